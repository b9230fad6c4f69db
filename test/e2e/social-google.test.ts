/**
 * Sign-in through a Google connection, against the local stand-in that speaks Google's OpenID
 * Connect at `LOCAL_GOOGLE_ISSUER` (the issuer's Google code path, with only the issuer moved).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { connectStandIn, socialFixture, standInUrl, startAtApp, type ConnectedProvider, type SocialFixture } from "./support/social";
import { cancelledAtProvider, idTokenAttacks, signInRules, upstreamLegAttacks } from "./support/social-scenarios";

let fixture: SocialFixture;
let connected: ConnectedProvider;

beforeAll(async () => {
  fixture = await socialFixture("social-google");
  connected = await connectStandIn(fixture.tenant, "google");
});

const subject = { provider: "google" as const, fixture: () => fixture, connection: () => connected.connection, standInClientId: () => connected.standInClient.clientId };

describe("sign-in through a Google connection", () => {
  it("goes to Google's authorization endpoint found through the Google issuer's discovery, with PKCE and a nonce", async () => {
    const leg = await startAtApp(fixture, connected.connection);
    expect(leg.providerAuthorization.href.startsWith(`${standInUrl()}/google/`)).toBe(true);
    expect(leg.providerAuthorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(leg.providerAuthorization.searchParams.get("nonce")).not.toBeNull();
  });

  signInRules(subject);
  cancelledAtProvider(subject);
});

describe("attacks on the upstream leg (google)", () => {
  upstreamLegAttacks(subject);
  idTokenAttacks(subject);
});
