/**
 * Sign-in through a connection to any OpenID Provider (`oidc`, found by its issuer through
 * discovery), against the local stand-in's generic provider: who the sign-in lands as, and
 * every attack on the upstream leg.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { e2eStack } from "./support/e2e-context";
import { adminCall, callbackUrl, connectStandIn, freshStandInUser, signIn, socialFixture, standInUrl, startAtApp, type ConnectedProvider, type SocialFixture } from "./support/social";
import { cancelledAtProvider, idTokenAttacks, signInRules, upstreamLegAttacks } from "./support/social-scenarios";

let fixture: SocialFixture;
let connected: ConnectedProvider;

beforeAll(async () => {
  fixture = await socialFixture("social-oidc");
  connected = await connectStandIn(fixture.tenant, "oidc", { issuer: standInUrl(), display_name: "Local SSO" });
});

const subject = { provider: "oidc" as const, fixture: () => fixture, connection: () => connected.connection, standInClientId: () => connected.standInClient.clientId };

describe("sign-in through an OpenID Provider connection (oidc)", () => {
  it("the admin API lists the new connection among the tenant's sign_in_methods and names the callback URL to register, without its secret", async () => {
    const tenant = await adminCall<{ settings: { sign_in_methods: string[] } }>("GET", `/api/admin/tenants/${fixture.tenant.id}`);
    expect(tenant.body.settings.sign_in_methods).toContain(connected.connection.connection_id);
    const connection = await adminCall("GET", `/api/admin/tenants/${fixture.tenant.id}/connections/${connected.connection.connection_id}`);
    expect(connection.status).toBe(200);
    expect(connection.body.callback_url).toBe(callbackUrl(connected.connection.connection_id));
    expect(connection.body.has_client_secret).toBe(true);
    expect(JSON.stringify(connection.body)).not.toContain(connected.standInClient.clientSecret);
  });

  signInRules(subject);
  cancelledAtProvider(subject);

  it("sends the provider an authorization request with PKCE S256, a nonce, a state, the default scopes and the connection's callback URL", async () => {
    const leg = await startAtApp(fixture, connected.connection);
    const request = leg.providerAuthorization.searchParams;
    expect(leg.providerAuthorization.origin).toBe(new URL(standInUrl()).origin);
    expect(request.get("response_type")).toBe("code");
    expect(request.get("client_id")).toBe(connected.standInClient.clientId);
    expect(request.get("redirect_uri")).toBe(callbackUrl(connected.connection.connection_id));
    expect(request.get("code_challenge_method")).toBe("S256");
    expect(request.get("code_challenge")).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(request.get("nonce")).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(request.get("state")).toMatch(/^[A-Za-z0-9_-]{22,}$/);
    expect(request.get("scope")?.split(" ").sort()).toEqual(["email", "openid", "profile"]);
  });

  it("the app's id_token is the tenant's own: the issuer's iss and the app's audience, not the provider's", async () => {
    const person = await freshStandInUser(true);
    const signedIn = await signIn(fixture, connected.connection, person.login);
    expect(signedIn.claims.iss).toBe(e2eStack().issuerUrl);
    expect(signedIn.claims.aud).toBe(fixture.client.client_id);
  });
});

describe("attacks on the upstream leg (oidc)", () => {
  upstreamLegAttacks(subject);
  idTokenAttacks(subject);
});
