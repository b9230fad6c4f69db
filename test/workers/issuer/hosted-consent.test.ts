import { env } from "cloudflare:workers";
import { and, eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consents } from "../../../drizzle/schema";
import { passwordUser } from "./support/accounts-client";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, ISSUER, jsonRequest, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser } from "./support/page-browser";
import { auditEvents } from "./support/second-factors";

const APP = "https://third.example.com/callback";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async function registerClient(tenant: TenantCredentials, firstParty: boolean): Promise<string> {
  const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Third <App>", type: "public", first_party: firstParty, redirect_uris: [APP] }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ client_id: string }>()).client_id;
}

function authorizeUrl(clientId: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: APP, scope: "openid email", state: "st-1", nonce: "n-1", code_challenge: CHALLENGE, code_challenge_method: "S256", ...extra });
  return `/oauth2/authorize?${query.toString()}`;
}

function redirectedTo(response: Response): URL {
  expect(response.status).toBe(303);
  return new URL(response.headers.get("Location") ?? "", ISSUER);
}

async function follow(browser: PageBrowser, to: URL): Promise<URL> {
  return redirectedTo((await browser.get(`${to.pathname}${to.search}`)).response);
}

/** authorize → login → password → authorize again: where the signed-in browser is sent next. */
async function signIn(browser: PageBrowser, clientId: string, email: string, password: string, extra: Record<string, string> = {}): Promise<URL> {
  const toLogin = redirectedTo((await browser.get(authorizeUrl(clientId, extra))).response);
  expect(toLogin.pathname).toBe("/login");
  const page = await browser.get(`${toLogin.pathname}${toLogin.search}`);
  const back = redirectedTo((await browser.post("/login", { ...formFields(page.html, "password"), email, password })).response);
  expect(back.pathname).toBe("/oauth2/authorize");
  return follow(browser, back);
}

async function storedScopes(userId: string, clientId: string): Promise<string[] | undefined> {
  const [row] = await testDb.select({ scopes: consents.scopes }).from(consents).where(and(eq(consents.userId, userId), eq(consents.clientId, clientId)));
  return row?.scopes;
}

describe("/consent", () => {
  it("a third-party client is asked about once: Allow records the scopes and answers the code, the next authorize needs no page", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    expect(toConsent.pathname).toBe("/consent");
    const page = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("Third &lt;App&gt; wants to use your account");
    expect(page.html).toContain("See your email address");
    expect(page.response.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://third.example.com;");
    const answer = redirectedTo((await browser.post("/consent", { ...formFields(page.html, "consent"), decision: "allow" })).response);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(answer.searchParams.get("code")).toMatch(/^ac_/);
    expect(Object.fromEntries(answer.searchParams)).toMatchObject({ state: "st-1", iss: env.ISSUER_URL });
    expect(await storedScopes(user.user_id, clientId)).toEqual(["email", "openid"]);

    const again = redirectedTo((await browser.get(authorizeUrl(clientId))).response);
    expect(`${again.origin}${again.pathname}`).toBe(APP);
    expect(again.searchParams.get("code")).toMatch(/^ac_/);
  });

  it("a new scope asks again, and Allow merges it with the scopes granted before", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    const first = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    await browser.post("/consent", { ...formFields(first.html, "consent"), decision: "allow" });
    const wider = redirectedTo((await browser.get(authorizeUrl(clientId, { scope: "openid phone" }))).response);
    expect(wider.pathname).toBe("/consent");
    const page = await browser.get(`${wider.pathname}${wider.search}`);
    expect(page.html).toContain("See your phone number");
    await browser.post("/consent", { ...formFields(page.html, "consent"), decision: "allow" });
    expect(await storedScopes(user.user_id, clientId)).toEqual(["email", "openid", "phone"]);
  });

  it("prompt=consent shows the page even with a stored consent, and survives the sign-in", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password, { prompt: "login consent" });
    expect(toConsent.pathname).toBe("/consent");
    const page = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    await browser.post("/consent", { ...formFields(page.html, "consent"), decision: "allow" });
    expect(redirectedTo((await browser.get(authorizeUrl(clientId, { prompt: "consent" }))).response).pathname).toBe("/consent");
  });

  it("Deny answers access_denied at the redirect URI and records nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    const page = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    const answer = redirectedTo((await browser.post("/consent", { ...formFields(page.html, "consent"), decision: "deny" })).response);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(Object.fromEntries(answer.searchParams)).toMatchObject({ error: "access_denied", state: "st-1", iss: env.ISSUER_URL });
    expect(answer.searchParams.get("code")).toBeNull();
    expect(await storedScopes(user.user_id, clientId)).toBeUndefined();
  });

  it("Allow and Deny are audited pseudonymously: the user id, the client id and the scopes, never the address", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    const denied = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    await browser.post("/consent", { ...formFields(denied.html, "consent"), decision: "deny" });
    expect(await auditEvents(user.user_id, "oauth.consent_granted")).toEqual([]);
    const [deny, ...moreDenials] = await auditEvents(user.user_id, "oauth.consent_denied");
    expect(moreDenials).toEqual([]);
    expect(deny).toMatchObject({ outcome: "failure", user_id: user.user_id, details: { client_id: clientId, scopes: ["openid", "email"] } });

    const asked = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    await browser.post("/consent", { ...formFields(asked.html, "consent"), decision: "allow" });
    const [grant, ...moreGrants] = await auditEvents(user.user_id, "oauth.consent_granted");
    expect(moreGrants).toEqual([]);
    expect(grant).toMatchObject({ outcome: "success", user_id: user.user_id, details: { client_id: clientId, scopes: ["openid", "email"] } });
    for (const row of [deny, grant]) expect(JSON.stringify(row)).not.toContain(user.email);
  });

  it("a forged Deny (a CSRF token that is not this browser's) is neither answered nor audited", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    const page = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    expect((await browser.post("/consent", { ...formFields(page.html, "consent"), csrf: "0".repeat(64), decision: "deny" })).response.status).toBe(403);
    expect(await auditEvents(user.user_id, "oauth.consent_denied")).toEqual([]);
  });

  it("prompt=none without a stored consent answers consent_required at the redirect URI", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    await signIn(browser, clientId, user.email, user.password);
    const answer = redirectedTo((await browser.get(authorizeUrl(clientId, { prompt: "none" }))).response);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(Object.fromEntries(answer.searchParams)).toMatchObject({ error: "consent_required", state: "st-1" });
  });

  it("a forged consent POST without the CSRF token is refused with 403 and grants nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const browser = new PageBrowser();
    const toConsent = await signIn(browser, clientId, user.email, user.password);
    const page = await browser.get(`${toConsent.pathname}${toConsent.search}`);
    const fields = formFields(page.html, "consent");
    const withoutToken = await browser.post("/consent", { request: fields.request ?? "", step: "consent", decision: "allow", csrf: "" });
    expect(withoutToken.response.status).toBe(403);
    const crossSite = await browser.post("/consent", { ...fields, decision: "allow" }, { Origin: "https://evil.example" });
    expect(crossSite.response.status).toBe(403);
    expect(withoutToken.response.headers.get("Location")).toBeNull();
    expect(await storedScopes(user.user_id, clientId)).toBeUndefined();
  });

  it("a consent POST from a browser that is not signed in grants nothing and goes to the login page", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, false);
    const victim = new PageBrowser();
    const toConsent = await signIn(victim, clientId, user.email, user.password);
    const attacker = new PageBrowser();
    const attackerPage = await attacker.get("/login?key=" + tenant.api_key);
    const csrf = /name="csrf" value="([^"]*)"/.exec(attackerPage.html)?.[1] ?? "";
    const request = toConsent.searchParams.get("request") ?? "";
    const answer = redirectedTo((await attacker.post("/consent", { csrf, request, step: "consent", decision: "allow" })).response);
    expect(answer.pathname).toBe("/login");
    expect(await storedScopes(user.user_id, clientId)).toBeUndefined();
  });

  it("a first-party client never sees the consent page", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant, true);
    const browser = new PageBrowser();
    const answer = await signIn(browser, clientId, user.email, user.password, { prompt: "consent" });
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(answer.searchParams.get("code")).toMatch(/^ac_/);
    const direct = redirectedTo((await browser.get(`/consent?request=${encodeURIComponent(authorizeUrl(clientId).split("?")[1] ?? "")}`)).response);
    expect(direct.pathname).toBe("/oauth2/authorize");
    expect(await storedScopes(user.user_id, clientId)).toBeUndefined();
  });

  it("a tampered request on the consent page names nothing: a 400 page, never a redirect", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant, false);
    const tampered = (authorizeUrl(clientId).split("?")[1] ?? "").replace(encodeURIComponent(APP), encodeURIComponent("https://evil.example/callback"));
    const page = await new PageBrowser().get(`/consent?request=${encodeURIComponent(tampered)}`);
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get("Location")).toBeNull();
  });
});
