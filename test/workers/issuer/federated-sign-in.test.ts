import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { exportJWK, exportPKCS8, generateKeyPair, SignJWT } from "jose";
import { beforeAll, describe, expect, inject, it } from "vitest";
import { upstreamRequests, browserSessions, identities, sessions, users } from "../../../drizzle/schema";
import { neonConnectionStore } from "../../../shared/adapters/neon/connection-store";
import { newId, randomBase32 } from "../../../shared/crypto/ids";
import { sealSecret } from "../../../shared/crypto/key-encryption";
import { sha256Hex } from "../../../shared/crypto/hashing";
import type { ConnectionRecord } from "../../../shared/ports/connection-store";
import { passwordUser } from "./support/accounts-client";
import { testDb } from "./support/account-rows";
import { freshEmail } from "./support/email-sandbox";
import { CLIENT_ID, script, scriptedOpenIdProvider, seenUnder, type ScriptedOpenIdProvider } from "./support/federation-provider";
import { adminFetch, createTenant, ISSUER, issuerFetch, jsonRequest, withBearer, type TenantCredentials } from "./support/issuer-client";
import { runCron } from "./support/cron";
import { enrolTotp } from "./support/mfa-client";
import { auditOf } from "./support/passkey-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";

const APP = "https://app.example.com/callback";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

interface Setup {
  readonly tenant: TenantCredentials;
  readonly provider: ScriptedOpenIdProvider;
  readonly connectionId: string;
}

const connectionStore = neonConnectionStore(testDb);

/** A connection of the tenant to the scripted provider, listed in its sign_in_methods. */
async function addConnection(tenant: TenantCredentials, provider: ScriptedOpenIdProvider, extra: Partial<ConnectionRecord> = {}): Promise<string> {
  const id = newId("con");
  const created = await connectionStore.create(
    {
      id,
      tenantId: tenant.tenant_id,
      provider: "oidc",
      clientId: CLIENT_ID,
      sealedClientSecret: await sealSecret(env.KEY_ENCRYPTION_SECRET, "connection-secret", "the-connection-secret", id),
      issuer: provider.issuer,
      scopes: ["openid", "email", "profile"],
      displayName: "Acme ID",
      enabled: true,
      keepProviderTokens: false,
      apple: null,
      ...extra,
    },
    new Date(),
  );
  expect(created).toBe("created");
  await setSignInMethods(tenant, ["password", "email_otp", id]);
  return id;
}

async function setSignInMethods(tenant: TenantCredentials, methods: string[]): Promise<void> {
  const patched = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods: methods } }));
  expect(patched.status, await patched.clone().text()).toBe(200);
}

async function setup(settings: Record<string, unknown> = {}, connection: Partial<ConnectionRecord> = {}): Promise<Setup> {
  const tenant = await createTenant(settings);
  const provider = await scriptedOpenIdProvider();
  return { tenant, provider, connectionId: await addConnection(tenant, provider, connection) };
}

/** The hidden fields of the button form of one connection. */
function buttonFields(html: string, connectionId: string): Record<string, string> {
  const form = (html.match(/<form[\s\S]*?<\/form>/g) ?? []).find((candidate) => candidate.includes(`action="/login/connection/${connectionId}"`));
  if (form === undefined) throw new Error(`no button for ${connectionId} on the page`);
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (name !== undefined) fields[name] = (value ?? "").replace(/&amp;/g, "&").replace(/&quot;/g, '"');
  }
  return fields;
}

interface Started {
  readonly state: string;
  readonly nonce: string;
  readonly location: URL;
}

function startedAt(page: Page): Started {
  expect(page.response.status, page.html).toBe(303);
  const location = new URL(page.response.headers.get("Location") ?? "");
  return { location, state: location.searchParams.get("state") ?? "", nonce: location.searchParams.get("nonce") ?? "" };
}

/** Presses the connection's button on the tenant's login page. */
async function pressButton(browser: PageBrowser, { tenant, connectionId }: Setup): Promise<Started> {
  const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}`);
  expect(page.response.status, page.html).toBe(200);
  return startedAt(await browser.post(`/login/connection/${connectionId}`, buttonFields(page.html, connectionId)));
}

function callback(browser: PageBrowser, connectionId: string, parameters: Record<string, string>): Promise<Page> {
  return browser.get(`/oauth2/callback/${connectionId}?${new URLSearchParams(parameters).toString()}`);
}

/** The whole round trip: the button, the provider's answer with these claims, the callback. */
async function signInThrough(browser: PageBrowser, flow: Setup, claims: Record<string, unknown>): Promise<Page> {
  const started = await pressButton(browser, flow);
  await flow.provider.answerWith({ nonce: started.nonce, ...claims });
  return callback(browser, flow.connectionId, { code: `code-${randomBase32(8)}`, state: started.state });
}

async function usersOf(tenant: TenantCredentials): Promise<(typeof users.$inferSelect)[]> {
  return testDb.select().from(users).where(eq(users.tenantId, tenant.tenant_id));
}

async function identitiesOf(tenant: TenantCredentials): Promise<(typeof identities.$inferSelect)[]> {
  return testDb.select().from(identities).where(eq(identities.tenantId, tenant.tenant_id));
}

async function sessionCount(tenant: TenantCredentials): Promise<number> {
  const [row] = await testDb.select({ n: count() }).from(sessions).where(eq(sessions.tenantId, tenant.tenant_id));
  return row?.n ?? 0;
}

/** No user, identity or session of the tenant: what every refusal must leave. */
async function expectNothingWritten(tenant: TenantCredentials, usersBefore = 0): Promise<void> {
  expect(await usersOf(tenant)).toHaveLength(usersBefore);
  expect(await identitiesOf(tenant)).toHaveLength(0);
  expect(await sessionCount(tenant)).toBe(0);
}

describe("social sign-in through the login page", () => {
  it("a first sign-in creates a user with the verified address, an identity, a session with amr fed and a browser session", async () => {
    const flow = await setup();
    const email = freshEmail();
    const browser = new PageBrowser();
    const done = await signInThrough(browser, flow, { sub: "alice-1", email, email_verified: true });
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("You are signed in to");
    const [user, ...others] = await usersOf(flow.tenant);
    expect(others).toHaveLength(0);
    expect(user?.email).toBe(email);
    expect(user?.emailVerified).toBe(true);
    expect(user?.passwordHash).toBeNull();
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity).toMatchObject({ userId: user?.id, provider: "oidc", subject: "alice-1", email, connectionId: flow.connectionId });
    const [session] = await testDb.select().from(sessions).where(eq(sessions.userId, user?.id ?? ""));
    expect(session?.amr).toEqual(["fed"]);
    expect(await testDb.select().from(browserSessions).where(eq(browserSessions.userId, user?.id ?? ""))).toHaveLength(1);
    expect([...browser.cookies.keys()]).not.toContain("portcullis_federation");
  });

  it("shows the connection's button in its own form, worded Continue with <display name>, and lets the page's CSP send the form on to the provider", async () => {
    const flow = await setup();
    const page = await new PageBrowser().get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    expect(page.html).toContain(`<form method="post" action="/login/connection/${flow.connectionId}">`);
    expect(page.html).toMatch(/<button type="submit" data-provider="oidc">Continue with Acme ID<\/button>/);
    expect(page.response.headers.get("Content-Security-Policy")).toContain(`form-action 'self' ${new URL(flow.provider.issuer).origin}`);
    const signup = await new PageBrowser().get(`/signup?key=${encodeURIComponent(flow.tenant.api_key)}`);
    expect(signup.html).toContain(`action="/login/connection/${flow.connectionId}"`);
  });

  it("sends the provider a PKCE S256 challenge whose verifier reaches the token endpoint, and a nonce and state of 160 random bits", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    expect(started.location.searchParams.get("code_challenge_method")).toBe("S256");
    expect(started.location.searchParams.get("redirect_uri")).toBe(`${ISSUER}/oauth2/callback/${flow.connectionId}`);
    expect(started.state).toMatch(/^[0-9a-z]{32}$/);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "pkce-1" });
    const done = await callback(browser, flow.connectionId, { code: "the-code", state: started.state });
    expect(done.response.status, done.html).toBe(200);
    const [tokenRequest] = await flow.provider.tokenRequests();
    const verifier = new URLSearchParams(tokenRequest?.body ?? "").get("code_verifier") ?? "";
    const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier)));
    const challenge = btoa(String.fromCharCode(...digest)).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    expect(challenge).toBe(started.location.searchParams.get("code_challenge"));
  });

  it("a second sign-in of the same identity finds the same user and creates nobody", async () => {
    const flow = await setup();
    const email = freshEmail();
    await signInThrough(new PageBrowser(), flow, { sub: "bob-1", email, email_verified: true });
    const again = await signInThrough(new PageBrowser(), flow, { sub: "bob-1", email, email_verified: true });
    expect(again.response.status, again.html).toBe(200);
    expect(await usersOf(flow.tenant)).toHaveLength(1);
    expect(await identitiesOf(flow.tenant)).toHaveLength(1);
    expect(await sessionCount(flow.tenant)).toBe(2);
  });

  it("links to the user who owns the same verified address when the provider vouches for it", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    const done = await signInThrough(new PageBrowser(), flow, { sub: "carol-1", email: owner.email, email_verified: true });
    expect(done.response.status, done.html).toBe(200);
    expect(await usersOf(flow.tenant)).toHaveLength(1);
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity?.userId).toBe(owner.user_id);
    const [linked] = await auditOf(flow.tenant.tenant_id, "identity.linked");
    expect(linked).toMatchObject({ user_id: owner.user_id, details: { by: "verified_email" } });
  });

  it("refuses to link by an address the provider does not vouch for: account takeover by an unverified email makes a separate user without the address", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    const done = await signInThrough(new PageBrowser(), flow, { sub: "mallory-1", email: owner.email, email_verified: false });
    expect(done.response.status, done.html).toBe(200);
    const all = await usersOf(flow.tenant);
    expect(all).toHaveLength(2);
    const created = all.find((user) => user.id !== owner.user_id);
    expect(created?.email).toBeNull();
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity?.userId).toBe(created?.id);
  });

  it("does not link a provider-verified address to a local user whose address is unverified (a claim is not ownership)", async () => {
    const flow = await setup({ email_verification_required: false });
    const email = freshEmail();
    const signup = await issuerFetch("/api/auth/signup", jsonRequest("POST", { email, password: "a long enough password 1" }, { "X-API-Key": flow.tenant.api_key }));
    expect(signup.status, await signup.clone().text()).toBe(201);
    const claimant = (await usersOf(flow.tenant))[0];
    expect(claimant?.emailVerified).toBe(false);
    await signInThrough(new PageBrowser(), flow, { sub: "dave-1", email, email_verified: true });
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity?.userId).not.toBe(claimant?.id);
  });

  it("makes a separate user when the tenant turned link_by_verified_email off", async () => {
    const flow = await setup({ link_by_verified_email: false });
    const owner = await passwordUser(flow.tenant);
    await signInThrough(new PageBrowser(), flow, { sub: "erin-1", email: owner.email, email_verified: true });
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity?.userId).not.toBe(owner.user_id);
    expect(await usersOf(flow.tenant)).toHaveLength(2);
  });

  it("refuses a disabled user with 403 and opens no session", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    expect((await adminFetch(`/api/admin/users/${owner.user_id}`, jsonRequest("PATCH", { disabled: true }))).status).toBe(200);
    const before = await sessionCount(flow.tenant);
    const refused = await signInThrough(new PageBrowser(), flow, { sub: "disabled-1", email: owner.email, email_verified: true });
    expect(refused.response.status).toBe(403);
    expect(refused.html).toContain("This account is disabled.");
    expect(await sessionCount(flow.tenant)).toBe(before);
  });

  it("asks a user with an authenticator app for the second factor, and opens no session before it", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    await enrolTotp(owner.token);
    const before = await sessionCount(flow.tenant);
    const page = await signInThrough(new PageBrowser(), flow, { sub: "mfa-1", email: owner.email, email_verified: true });
    expect(page.response.status, page.html).toBe(200);
    expect(page.html).toContain("One more step");
    expect(page.html).toContain('name="mfa_token"');
    expect(await sessionCount(flow.tenant)).toBe(before);
  });
});

describe("social sign-in: attacks on the callback", () => {
  it("refuses a forged state with 400 and writes nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    await pressButton(browser, flow);
    const forged = await callback(browser, flow.connectionId, { code: "c", state: randomBase32(32) });
    expect(forged.response.status).toBe(400);
    expect(forged.html).toContain("could not be matched to this browser");
    await expectNothingWritten(flow.tenant);
  });

  it("refuses a replayed state: the second callback is 400 and adds nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "replay-1" });
    const binding = browser.cookies.get("portcullis_federation") ?? "";
    const first = await callback(browser, flow.connectionId, { code: "c1", state: started.state });
    expect(first.response.status, first.html).toBe(200);
    const usersAfterFirst = await usersOf(flow.tenant);
    const sessionsAfterFirst = await sessionCount(flow.tenant);
    browser.cookies.set("portcullis_federation", binding);
    const replayed = await callback(browser, flow.connectionId, { code: "c1", state: started.state });
    expect(replayed.response.status).toBe(400);
    expect(await usersOf(flow.tenant)).toEqual(usersAfterFirst);
    expect(await sessionCount(flow.tenant)).toBe(sessionsAfterFirst);
    expect(await flow.provider.tokenRequests()).toHaveLength(1);
  });

  it("two callbacks racing with one state: exactly one signs in, the other is 400, and one user exists", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "race-1" });
    const twin = new PageBrowser();
    for (const [name, value] of browser.cookies) twin.cookies.set(name, value);
    const answers = await Promise.all([callback(browser, flow.connectionId, { code: "c", state: started.state }), callback(twin, flow.connectionId, { code: "c", state: started.state })]);
    expect(answers.map((answer) => answer.response.status).sort()).toEqual([200, 400]);
    expect(await usersOf(flow.tenant)).toHaveLength(1);
    expect(await sessionCount(flow.tenant)).toBe(1);
  });

  it("refuses a callback naming state twice, or with an oversized code, with 400 and asks the provider nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    const twice = await browser.get(`/oauth2/callback/${flow.connectionId}?code=c&state=${started.state}&state=${started.state}`);
    expect(twice.response.status).toBe(400);
    const oversized = await callback(browser, flow.connectionId, { code: "x".repeat(5000), state: started.state });
    expect(oversized.response.status).toBe(400);
    expect(await flow.provider.tokenRequests()).toHaveLength(0);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses login CSRF: a state started in the attacker's browser is 400 in the victim's browser, without the binding cookie", async () => {
    const flow = await setup();
    const attacker = new PageBrowser();
    const started = await pressButton(attacker, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "attacker-1" });
    const victim = new PageBrowser();
    const refused = await callback(victim, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
    expect(await flow.provider.tokenRequests()).toHaveLength(0);
  });

  it("refuses login CSRF with the victim's own binding cookie from another sign-in: a mismatched cookie is 400", async () => {
    const flow = await setup();
    const attacker = new PageBrowser();
    const attackerStart = await pressButton(attacker, flow);
    const victim = new PageBrowser();
    await pressButton(victim, flow);
    const refused = await callback(victim, flow.connectionId, { code: "c", state: attackerStart.state });
    expect(refused.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses an id_token carrying another nonce (a replayed id_token) with 502 and writes nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: "another-sign-ins-nonce", sub: "nonce-1" });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(502);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses an id_token signed by a key the provider does not publish with 502 and writes nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "forged-1" }, { signWithAnotherKey: true });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(502);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses the callback of a connection disabled since the start with 400 and writes nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    expect(await connectionStore.update(flow.tenant.tenant_id, flow.connectionId, { enabled: false }, new Date())).not.toBeNull();
    await flow.provider.answerWith({ nonce: started.nonce, sub: "late-1" });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses a state presented at another connection's callback (a mix-up) with 400", async () => {
    const flow = await setup();
    const other = await addConnection(flow.tenant, await scriptedOpenIdProvider());
    await setSignInMethods(flow.tenant, ["password", flow.connectionId, other]);
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "mixup-1" });
    const refused = await callback(browser, other, { code: "c", state: started.state });
    expect(refused.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
  });

  it("refuses to start another tenant's connection from this tenant's page with 400", async () => {
    const flow = await setup();
    const stranger = await setup();
    const browser = new PageBrowser();
    const page = await browser.get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    const refused = await browser.post(`/login/connection/${stranger.connectionId}`, buttonFields(page.html, flow.connectionId));
    expect(refused.response.status).toBe(400);
  });

  it("refuses a button press without the page's CSRF token with 403 and sends nobody to the provider", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const page = await browser.get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    const forged = await browser.post(`/login/connection/${flow.connectionId}`, { ...buttonFields(page.html, flow.connectionId), csrf: "" });
    expect(forged.response.status).toBe(403);
    expect(forged.response.headers.get("Location")).toBeNull();
  });

  it("shows no button and refuses a start with 403 when the tenant's sign_in_methods leaves the connection out", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const page = await browser.get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    const fields = buttonFields(page.html, flow.connectionId);
    await setSignInMethods(flow.tenant, ["password"]);
    const again = await browser.get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    expect(again.html).not.toContain(`/login/connection/${flow.connectionId}`);
    const refused = await browser.post(`/login/connection/${flow.connectionId}`, fields);
    expect(refused.response.status).toBe(403);
  });

  it("refuses with 403 a callback whose connection the tenant took out of sign_in_methods meanwhile, writing nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await setSignInMethods(flow.tenant, ["password"]);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "off-1" });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(403);
    await expectNothingWritten(flow.tenant);
  });
});

describe("social sign-in: the stored half of a sign-in", () => {
  it("keeps only hashes and the sealed verifier of a started sign-in, and the cron deletes it once expired", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    const stateHash = await sha256Hex(started.state);
    const [row] = await testDb.select().from(upstreamRequests).where(eq(upstreamRequests.stateHash, stateHash));
    expect(row?.browserBindingHash).toBe(await sha256Hex(browser.cookies.get("portcullis_federation") ?? ""));
    expect(row?.nonceHash).toBe(await sha256Hex(started.nonce));
    expect(JSON.stringify(row)).not.toContain(started.state);
    expect(row?.sealedCodeVerifier).toMatch(/^v2\./);
    await testDb.update(upstreamRequests).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(upstreamRequests.stateHash, stateHash));
    await runCron();
    expect(await testDb.select().from(upstreamRequests).where(eq(upstreamRequests.stateHash, stateHash))).toHaveLength(0);
  });

  it("refuses an expired state with 400 and writes nothing", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await testDb.update(upstreamRequests).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(upstreamRequests.stateHash, await sha256Hex(started.state)));
    await flow.provider.answerWith({ nonce: started.nonce, sub: "late-2" });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
  });
});

describe("social sign-in: the provider's errors and outages", () => {
  it("a provider that is down at the callback gives a 503 page saying it could not be reached, and nothing is written", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.goDown();
    const page = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(page.response.status).toBe(503);
    expect(page.html).toContain("Acme ID could not be reached");
    await expectNothingWritten(flow.tenant);
  });

  it("a provider that is down at the start gives a 503 page and no redirect", async () => {
    const tenant = await createTenant();
    const provider = await scriptedOpenIdProvider();
    const connectionId = await addConnection(tenant, provider);
    await provider.goDown();
    const browser = new PageBrowser();
    const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}`);
    const refused = await browser.post(`/login/connection/${connectionId}`, buttonFields(page.html, connectionId));
    expect(refused.response.status).toBe(503);
    expect(refused.response.headers.get("Location")).toBeNull();
  });

  it("access_denied outside an authorization request brings the login page back with a plain message", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    const page = await callback(browser, flow.connectionId, { error: "access_denied", state: started.state });
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("Signing in with Acme ID was cancelled.");
    await expectNothingWritten(flow.tenant);
  });
});

describe("social sign-in inside an authorization request", () => {
  async function registerClient(tenant: TenantCredentials): Promise<string> {
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "App", type: "public", first_party: true, redirect_uris: [APP] }));
    expect(response.status, await response.clone().text()).toBe(201);
    return (await response.json<{ client_id: string }>()).client_id;
  }

  function authorizePath(clientId: string, extra: Record<string, string> = {}): string {
    const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: APP, scope: "openid email", state: "app-state", nonce: "app-nonce", code_challenge: CHALLENGE, code_challenge_method: "S256", ...extra });
    return `/oauth2/authorize?${query.toString()}`;
  }

  it("/oauth2/authorize?connection= goes straight to the provider and, after the callback, the app receives its code", async () => {
    const flow = await setup();
    const clientId = await registerClient(flow.tenant);
    const browser = new PageBrowser();
    const started = startedAt(await browser.get(authorizePath(clientId, { connection: flow.connectionId })));
    expect(started.location.origin + started.location.pathname).toBe(`${flow.provider.issuer}/authorize`);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "app-user-1" });
    const back = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(back.response.status, back.html).toBe(303);
    const onward = new URL(back.response.headers.get("Location") ?? "", ISSUER);
    expect(onward.pathname).toBe("/oauth2/authorize");
    const atApp = await browser.get(`${onward.pathname}${onward.search}`);
    const answer = new URL(atApp.response.headers.get("Location") ?? "");
    expect(answer.origin + answer.pathname).toBe(APP);
    expect(answer.searchParams.get("code")).toMatch(/.+/);
    expect(answer.searchParams.get("state")).toBe("app-state");
  });

  it("the provider's access_denied comes back to the app as error=access_denied with its state and iss", async () => {
    const flow = await setup();
    const clientId = await registerClient(flow.tenant);
    const browser = new PageBrowser();
    const started = startedAt(await browser.get(authorizePath(clientId, { connection: flow.connectionId })));
    const back = await callback(browser, flow.connectionId, { error: "access_denied", error_description: "user cancelled", state: started.state });
    expect(back.response.status).toBe(303);
    const answer = new URL(back.response.headers.get("Location") ?? "");
    expect(answer.origin + answer.pathname).toBe(APP);
    expect(answer.searchParams.get("error")).toBe("access_denied");
    expect(answer.searchParams.get("state")).toBe("app-state");
    expect(answer.searchParams.get("iss")).toBe(ISSUER);
    await expectNothingWritten(flow.tenant);
  });

  it("another provider error comes back to the app as server_error, never the provider's own words", async () => {
    const flow = await setup();
    const clientId = await registerClient(flow.tenant);
    const browser = new PageBrowser();
    const started = startedAt(await browser.get(authorizePath(clientId, { connection: flow.connectionId })));
    const back = await callback(browser, flow.connectionId, { error: "invalid_scope", state: started.state });
    const answer = new URL(back.response.headers.get("Location") ?? "");
    expect(answer.searchParams.get("error")).toBe("server_error");
  });
});

describe("social sign-in: identities on the account and in /api/auth/me", () => {
  it("/api/auth/me lists the linked identity as {provider, email, linked_at}", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    await signInThrough(new PageBrowser(), flow, { sub: "me-1", email: owner.email, email_verified: true });
    const me = await issuerFetch("/api/auth/me", withBearer(owner.token));
    const body = await me.json<{ identities: unknown[] }>();
    expect(body.identities).toEqual([{ provider: "oidc", email: owner.email, linked_at: expect.any(String) }]);
  });

  it("keeps the provider's tokens only sealed when the connection asks: the database never holds them in plain text", async () => {
    const flow = await setup({}, { keepProviderTokens: true });
    await signInThrough(new PageBrowser(), flow, { sub: "tokens-1" });
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity?.sealedTokens).toMatch(/^v2\./);
    expect(identity?.sealedTokens).not.toContain("at-");
    const plain = await setup();
    await signInThrough(new PageBrowser(), plain, { sub: "tokens-2" });
    expect((await identitiesOf(plain.tenant))[0]?.sealedTokens).toBeNull();
  });

  it("records auth.federated_sign_in with the connection and no token, code or state", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    const started = await pressButton(browser, flow);
    await flow.provider.answerWith({ nonce: started.nonce, sub: "audit-1" });
    await callback(browser, flow.connectionId, { code: "the-secret-code", state: started.state });
    const events = await auditOf(flow.tenant.tenant_id, "auth.federated_sign_in");
    expect(events).toHaveLength(1);
    expect(events[0]?.details).toMatchObject({ connection_id: flow.connectionId, provider: "oidc" });
    const written = JSON.stringify(events);
    expect(written).not.toContain("the-secret-code");
    expect(written).not.toContain(started.state);
  });
});

/** The hidden fields of the account page's form for `action`, the one whose markup matches `where`. */
function accountForm(html: string, action: string, where?: string): Record<string, string> {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    if (!form.includes(`action="/account/${action}"`) || (where !== undefined && !form.includes(where))) continue;
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*>/g) ?? []) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined) fields[name] = value ?? "";
    }
    return fields;
  }
  throw new Error(`no form for /account/${action} on the page`);
}

async function passwordBrowser(tenant: TenantCredentials, user: { email: string; password: string }): Promise<PageBrowser> {
  const browser = new PageBrowser();
  const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}`);
  const done = await browser.post("/login", { ...formFields(page.html, "password"), email: user.email, password: user.password });
  expect(done.response.status, done.html).toBe(200);
  return browser;
}

describe("/account: linked accounts", () => {
  it("links the provider from the account page: Link → provider → back to /account, listed with its address and an Unlink button", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    const browser = await passwordBrowser(flow.tenant, owner);
    const account = await browser.get("/account");
    expect(account.html).toContain("Linked accounts");
    expect(account.html).toContain("Link Acme ID");
    const started = startedAt(await browser.post("/account/identities/link", accountForm(account.html, "identities/link", flow.connectionId)));
    const providerEmail = freshEmail();
    await flow.provider.answerWith({ nonce: started.nonce, sub: "link-1", email: providerEmail, email_verified: true });
    const back = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(back.response.status, back.html).toBe(303);
    expect(back.response.headers.get("Location")).toBe("/account");
    const [identity] = await identitiesOf(flow.tenant);
    expect(identity).toMatchObject({ userId: owner.user_id, subject: "link-1", email: providerEmail });
    const listed = await browser.get("/account");
    expect(listed.html).toContain(`Acme ID (${providerEmail}), linked`);
    expect(listed.html).toContain("Unlink Acme ID");
    expect(listed.html).not.toContain("Link Acme ID<");
  });

  it("unlinks an identity of a user who still has a password, and records identity.unlinked", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    await signInThrough(new PageBrowser(), flow, { sub: "unlink-1", email: owner.email, email_verified: true });
    const browser = await passwordBrowser(flow.tenant, owner);
    const account = await browser.get("/account");
    const done = await browser.post("/account/identities/unlink", accountForm(account.html, "identities/unlink"));
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("The account is unlinked.");
    expect(await identitiesOf(flow.tenant)).toHaveLength(0);
    expect(await auditOf(flow.tenant.tenant_id, "identity.unlinked")).toEqual([expect.objectContaining({ outcome: "success", user_id: owner.user_id })]);
  });

  it("refuses to unlink the last way to sign in with 409 and a clear message, keeping the identity", async () => {
    const flow = await setup();
    const browser = new PageBrowser();
    await signInThrough(browser, flow, { sub: "only-1" });
    const account = await browser.get("/account");
    expect(account.response.status, account.html).toBe(200);
    const refused = await browser.post("/account/identities/unlink", accountForm(account.html, "identities/unlink"));
    expect(refused.response.status).toBe(409);
    expect(refused.html).toContain("This is the only way you can sign in, so it cannot be unlinked.");
    expect(await identitiesOf(flow.tenant)).toHaveLength(1);
  });

  it("refuses to link an identity already linked to another user with 409, changing nothing", async () => {
    const flow = await setup();
    await signInThrough(new PageBrowser(), flow, { sub: "taken-1" });
    const owner = await passwordUser(flow.tenant);
    const browser = await passwordBrowser(flow.tenant, owner);
    const account = await browser.get("/account");
    const started = startedAt(await browser.post("/account/identities/link", accountForm(account.html, "identities/link", flow.connectionId)));
    await flow.provider.answerWith({ nonce: started.nonce, sub: "taken-1" });
    const refused = await callback(browser, flow.connectionId, { code: "c", state: started.state });
    expect(refused.response.status).toBe(409);
    expect(refused.html).toContain("already linked to another account");
    const [identity, ...others] = await identitiesOf(flow.tenant);
    expect(others).toHaveLength(0);
    expect(identity?.userId).not.toBe(owner.user_id);
  });

  it("sends a browser whose sign-in is older than five minutes to sign in again before linking, starting nothing", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    const browser = await passwordBrowser(flow.tenant, owner);
    const account = await browser.get("/account");
    const idHash = await sha256Hex(browser.cookies.get("portcullis_session") ?? "");
    await testDb.update(browserSessions).set({ authTime: new Date(Date.now() - 600_000) }).where(eq(browserSessions.idHash, idHash));
    const stale = await browser.post("/account/identities/link", accountForm(account.html, "identities/link", flow.connectionId));
    expect(stale.response.status).toBe(303);
    expect(stale.response.headers.get("Location")).toBe(`/login?account=${flow.tenant.tenant_id}`);
    expect(await testDb.select().from(upstreamRequests).where(eq(upstreamRequests.tenantId, flow.tenant.tenant_id))).toHaveLength(0);
  });

  it("refuses a forged link form without the CSRF token with 403, sending nobody to the provider", async () => {
    const flow = await setup();
    const owner = await passwordUser(flow.tenant);
    const browser = await passwordBrowser(flow.tenant, owner);
    const account = await browser.get("/account");
    const forged = await browser.post("/account/identities/link", { ...accountForm(account.html, "identities/link", flow.connectionId), csrf: "" });
    expect(forged.response.status).toBe(403);
    expect(forged.response.headers.get("Location")).toBeNull();
  });
});

describe("Sign in with Apple: the form_post callback", () => {
  // LOCAL_APPLE_ISSUER points Apple's fixed endpoints at the scripted provider (test/support/global-stack.ts).
  const APPLE = `${inject("scriptedProviderUrl")}/apple`;
  const SERVICE_ID = "com.example.web";
  let signIdToken: (claims: Record<string, unknown>) => Promise<string>;

  beforeAll(async () => {
    const { privateKey, publicKey } = await generateKeyPair("RS256", { extractable: true });
    await script("/apple/auth/keys", 200, { keys: [{ ...(await exportJWK(publicKey)), kid: "apple-key-1", alg: "RS256", use: "sig" }] });
    signIdToken = async (claims) => {
      const now = Math.floor(Date.now() / 1000);
      return new SignJWT({ iss: APPLE, aud: SERVICE_ID, iat: now, exp: now + 300, ...claims }).setProtectedHeader({ alg: "RS256", kid: "apple-key-1" }).sign(privateKey);
    };
  });

  async function appleSetup(): Promise<{ tenant: TenantCredentials; connectionId: string }> {
    const tenant = await createTenant();
    const id = newId("con");
    const { privateKey } = await generateKeyPair("ES256", { extractable: true });
    const pem = await exportPKCS8(privateKey);
    await connectionStore.create(
      { id, tenantId: tenant.tenant_id, provider: "apple", clientId: SERVICE_ID, sealedClientSecret: null, issuer: null, scopes: ["name", "email"], displayName: null, enabled: true, keepProviderTokens: false, apple: { teamId: "TEAM123456", keyId: "KEY1234567", sealedPrivateKey: await sealSecret(env.KEY_ENCRYPTION_SECRET, "connection-secret", pem, id) } },
      new Date(),
    );
    await setSignInMethods(tenant, ["password", id]);
    return { tenant, connectionId: id };
  }

  async function appleRoundTrip(browser: PageBrowser, setupDone: { tenant: TenantCredentials; connectionId: string }, user: string | null): Promise<Page> {
    const page = await browser.get(`/login?key=${encodeURIComponent(setupDone.tenant.api_key)}`);
    expect(page.html).toContain("Sign in with Apple");
    const started = startedAt(await browser.post(`/login/connection/${setupDone.connectionId}`, buttonFields(page.html, setupDone.connectionId)));
    expect(started.location.searchParams.get("response_mode")).toBe("form_post");
    const idToken = await signIdToken({ sub: "001234.apple-subject", nonce: started.nonce, email: "ann@privaterelay.appleid.com", email_verified: "true", is_private_email: "true" });
    await script("/apple/auth/token", 200, { access_token: "apple-at", token_type: "Bearer", expires_in: 3600, id_token: idToken });
    return browser.post(`/oauth2/callback/${setupDone.connectionId}`, { code: `apple-code-${randomBase32(6)}`, state: started.state, ...(user === null ? {} : { user }) });
  }

  it("signs in through Apple's form_post, keeps the name Apple sends on the first sign-in only, and finds the same user the next time", async () => {
    const flow = await appleSetup();
    const first = await appleRoundTrip(new PageBrowser(), flow, JSON.stringify({ name: { firstName: "Ann", lastName: "Apple" }, email: "ann@privaterelay.appleid.com" }));
    expect(first.response.status, first.html).toBe(200);
    expect(first.html).toContain("You are signed in to");
    const [user] = await usersOf(flow.tenant);
    expect(user?.metadata).toEqual({ name: "Ann Apple" });
    expect(user?.email).toBe("ann@privaterelay.appleid.com");
    const tokenRequest = (await seenUnder("/apple/auth/token")).at(-1);
    const clientSecret = new URLSearchParams(tokenRequest?.body ?? "").get("client_secret") ?? "";
    expect(JSON.parse(atob(clientSecret.split(".")[0] ?? ""))).toMatchObject({ alg: "ES256", kid: "KEY1234567" });
    const again = await appleRoundTrip(new PageBrowser(), flow, JSON.stringify({ name: { firstName: "Someone", lastName: "Else" } }));
    expect(again.response.status, again.html).toBe(200);
    const all = await usersOf(flow.tenant);
    expect(all).toHaveLength(1);
    expect(all[0]?.metadata).toEqual({ name: "Ann Apple" });
  });

  it("refuses Apple's form_post without the binding cookie (a cross-site POST from anyone else) with 400, writing nothing", async () => {
    const flow = await appleSetup();
    const browser = new PageBrowser();
    const page = await browser.get(`/login?key=${encodeURIComponent(flow.tenant.api_key)}`);
    const started = startedAt(await browser.post(`/login/connection/${flow.connectionId}`, buttonFields(page.html, flow.connectionId)));
    const forged = await new PageBrowser().post(`/oauth2/callback/${flow.connectionId}`, { code: "c", state: started.state });
    expect(forged.response.status).toBe(400);
    await expectNothingWritten(flow.tenant);
  });
});
