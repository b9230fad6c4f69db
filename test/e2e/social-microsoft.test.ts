/**
 * Sign-in through a multi-tenant Microsoft connection, against the local stand-in that speaks
 * Entra ID's v2.0 endpoints at `LOCAL_MICROSOFT_BASE`: the `common` discovery document whose
 * issuer holds the `{tenantid}` placeholder, id_tokens with `tid` and `oid`, and an `email`
 * vouched for only by `xms_edov` (the stand-in leaves it out for a user whose address it does
 * not vouch for, so the shared "refuses to link" test is Microsoft's unverified-email case).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { LOCAL_MICROSOFT_TENANT_ID } from "../../dev/identity-provider/server";
import { connectStandIn, freshStandInUser, signIn, socialFixture, standInUrl, startAtApp, type ConnectedProvider, type SocialFixture } from "./support/social";
import { cancelledAtProvider, idTokenAttacks, signInRules, upstreamLegAttacks } from "./support/social-scenarios";

let fixture: SocialFixture;
let connected: ConnectedProvider;

beforeAll(async () => {
  fixture = await socialFixture("social-microsoft");
  connected = await connectStandIn(fixture.tenant, "microsoft");
});

const subject = { provider: "microsoft" as const, fixture: () => fixture, connection: () => connected.connection, standInClientId: () => connected.standInClient.clientId };

describe("sign-in through a Microsoft connection", () => {
  it("goes to the authorization endpoint of Microsoft's common discovery document, with PKCE and a nonce", async () => {
    const leg = await startAtApp(fixture, connected.connection);
    expect(leg.providerAuthorization.href.startsWith(`${standInUrl()}/microsoft/`)).toBe(true);
    expect(leg.providerAuthorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(leg.providerAuthorization.searchParams.get("nonce")).not.toBeNull();
  });

  signInRules(subject);
  cancelledAtProvider(subject);

  it("a single-organization connection (its issuer names the Entra tenant) signs a person of that tenant in through that tenant's own endpoints", async () => {
    const single = await socialFixture("social-microsoft-single");
    const organization = await connectStandIn(single.tenant, "microsoft", { issuer: `${standInUrl()}/microsoft/${LOCAL_MICROSOFT_TENANT_ID}/v2.0` });
    const leg = await startAtApp(single, organization.connection);
    expect(leg.providerAuthorization.href.startsWith(`${standInUrl()}/microsoft/${LOCAL_MICROSOFT_TENANT_ID}/v2.0/`)).toBe(true);
    const person = await freshStandInUser(true, "ms-single");
    const signedIn = await signIn(single, organization.connection, person.login);
    expect(signedIn.me.identities).toEqual([{ provider: "microsoft", email: person.email, linked_at: expect.any(String) as string }]);
  });
});

describe("attacks on the upstream leg (microsoft)", () => {
  upstreamLegAttacks(subject);
  idTokenAttacks(subject);
});
