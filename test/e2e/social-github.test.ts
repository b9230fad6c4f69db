/**
 * Sign-in through a GitHub connection, against the local stand-in that speaks GitHub's OAuth
 * 2.0 web flow at `LOCAL_GITHUB_BASE_URL` and its REST API (`/user`, `/user/emails`) at
 * `LOCAL_GITHUB_API_URL`. GitHub issues no id_token: the person is who the API says, and the
 * only address that counts is the primary one GitHub marks verified (the shared "refuses to
 * link" test signs in a user whose primary address is unverified).
 */
import { beforeAll, describe, expect, it } from "vitest";
import { connectStandIn, freshStandInUser, signIn, socialFixture, standInUrl, startAtApp, tenantUsers, type ConnectedProvider, type SocialFixture } from "./support/social";
import { cancelledAtProvider, signInRules, upstreamLegAttacks } from "./support/social-scenarios";
import { verifiedPasswordUser } from "./support/users";

let fixture: SocialFixture;
let connected: ConnectedProvider;

beforeAll(async () => {
  fixture = await socialFixture("social-github");
  connected = await connectStandIn(fixture.tenant, "github");
});

const subject = { provider: "github" as const, fixture: () => fixture, connection: () => connected.connection, standInClientId: () => connected.standInClient.clientId };

describe("sign-in through a GitHub connection", () => {
  it("goes to GitHub's /login/oauth/authorize with PKCE, the GitHub scopes and no nonce", async () => {
    const leg = await startAtApp(fixture, connected.connection);
    expect(leg.providerAuthorization.href.startsWith(`${standInUrl()}/github/login/oauth/authorize?`)).toBe(true);
    expect(leg.providerAuthorization.searchParams.get("code_challenge_method")).toBe("S256");
    expect(leg.providerAuthorization.searchParams.get("nonce")).toBeNull();
    expect(leg.providerAuthorization.searchParams.get("scope")?.split(" ").sort()).toEqual(["read:user", "user:email"]);
  });

  signInRules(subject);
  cancelledAtProvider(subject);

  it("an unverified primary address is neither linked nor given to the new user, and a second sign-in finds that new user again", async () => {
    const person = await freshStandInUser(false, "gh-unverified");
    const owner = await verifiedPasswordUser(fixture.tenant, person.email);
    const first = await signIn(fixture, connected.connection, person.login);
    expect(first.me.user_id).not.toBe(owner.userId);
    expect(first.me.email).toBeNull();
    expect(first.me.identities).toEqual([{ provider: "github", email: null, linked_at: expect.any(String) as string }]);
    const count = (await tenantUsers(fixture.tenant)).length;
    const second = await signIn(fixture, connected.connection, person.login);
    expect(second.me.user_id).toBe(first.me.user_id);
    expect(await tenantUsers(fixture.tenant)).toHaveLength(count);
  });
});

describe("attacks on the upstream leg (github)", () => {
  upstreamLegAttacks(subject);
});
