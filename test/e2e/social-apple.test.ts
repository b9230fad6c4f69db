/**
 * Sign-in through an Apple connection, against the local stand-in that speaks Sign in with
 * Apple at `LOCAL_APPLE_ISSUER`: `response_mode=form_post` (the browser comes back with a
 * cross-site POST), the client secret as an ES256 JWT the issuer signs with the connection's key
 * and the stand-in verifies against the public key registered for the client, the name only on
 * a person's first sign-in, string booleans, and private relay addresses.
 */
import { exportJWK, exportPKCS8, generateKeyPair } from "jose";
import { beforeAll, describe, expect, it } from "vitest";
import { connectStandIn, deliverCallback, freshStandInUser, signIn, signInAtProvider, socialFixture, standInUrl, startAtApp, tenantUsers, type ConnectedProvider, type SocialFixture } from "./support/social";
import { cancelledAtProvider, idTokenAttacks, INVALID_PROVIDER_ANSWER_STATUS, signInRules, upstreamLegAttacks } from "./support/social-scenarios";

/** The stand-in's test user who chose "Hide My Email". */
const RELAY_USER = "relay@example.com";

interface AppleKey {
  readonly privateKeyPem: string;
  readonly publicJwk: Record<string, unknown>;
}

async function appleKey(): Promise<AppleKey> {
  const pair = await generateKeyPair("ES256", { extractable: true });
  return { privateKeyPem: await exportPKCS8(pair.privateKey), publicJwk: { ...(await exportJWK(pair.publicKey)) } };
}

async function connectApple(fixture: SocialFixture, signWith: AppleKey, registered: AppleKey): Promise<ConnectedProvider> {
  const ids = { team_id: "TEAM123456", key_id: `KEY${crypto.randomUUID().slice(0, 7).toUpperCase()}` };
  return connectStandIn(fixture.tenant, "apple", { ...ids, private_key: signWith.privateKeyPem }, { ...ids, public_key: registered.publicJwk });
}

let fixture: SocialFixture;
let connected: ConnectedProvider;

beforeAll(async () => {
  fixture = await socialFixture("social-apple");
  const key = await appleKey();
  connected = await connectApple(fixture, key, key);
});

const subject = { provider: "apple" as const, fixture: () => fixture, connection: () => connected.connection, standInClientId: () => connected.standInClient.clientId };

describe("sign-in through an Apple connection", () => {
  it("asks Apple for a form_post answer, and the browser comes back with a POST to the callback that signs the person in", async () => {
    const leg = await startAtApp(fixture, connected.connection);
    expect(leg.providerAuthorization.href.startsWith(`${standInUrl()}/apple/auth/authorize?`)).toBe(true);
    expect(leg.providerAuthorization.searchParams.get("response_mode")).toBe("form_post");
    expect(leg.providerAuthorization.searchParams.get("scope")?.split(" ").sort()).toEqual(["email", "name"]);
    const person = await freshStandInUser(true, "apple-form-post");
    const delivery = await signInAtProvider(leg, person.login);
    expect(delivery.kind).toBe("form_post");
    const landed = await deliverCallback(leg, delivery);
    expect(landed.location?.searchParams.get("code")).toEqual(expect.any(String));
  });

  it("keeps the name Apple sends only on the first sign-in, and a later sign-in without it does not erase it", async () => {
    const person = await freshStandInUser(true, "apple-name");
    const first = await signIn(fixture, connected.connection, person.login);
    expect(first.me.metadata?.name).toBe("Fed Erated");
    const second = await signIn(fixture, connected.connection, person.login);
    expect(second.me.user_id).toBe(first.me.user_id);
    expect(second.me.metadata?.name).toBe("Fed Erated");
  });

  it("a private relay address signs in as a new user with that relay address, and links nobody", async () => {
    const signedIn = await signIn(fixture, connected.connection, RELAY_USER);
    expect(signedIn.me.identities).toEqual([{ provider: "apple", email: expect.stringMatching(/@privaterelay\.appleid\.com$/) as string, linked_at: expect.any(String) as string }]);
  });

  it("a connection whose key is not the one registered at Apple (the client secret fails Apple's check) ends on a clear error page, writing nothing", async () => {
    const other = await socialFixture("social-apple-wrong-key");
    const wrongKey = await connectApple(other, await appleKey(), await appleKey());
    const before = await tenantUsers(other.tenant);
    const leg = await startAtApp(other, wrongKey.connection);
    const person = await freshStandInUser(true, "apple-wrong-key");
    const answer = await deliverCallback(leg, await signInAtProvider(leg, person.login));
    expect(answer.status).toBe(INVALID_PROVIDER_ANSWER_STATUS);
    expect(answer.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(answer.location).toBeNull();
    expect(await tenantUsers(other.tenant)).toEqual(before);
  });

  signInRules(subject);
  cancelledAtProvider(subject);
});

describe("attacks on the upstream leg (apple)", () => {
  upstreamLegAttacks(subject);
  idTokenAttacks(subject);
});
