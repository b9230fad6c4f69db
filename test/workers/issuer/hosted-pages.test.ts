import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { browserSessions, sessions } from "../../../drizzle/schema";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { decodeTotpSecret } from "../../../shared/crypto/totp";
import { issuerDeps } from "../../../workers/issuer/deps";
import { currentBrowserSession } from "../../../workers/issuer/services/browser-session";
import { freshEmail, passwordUser, strongPassword } from "./support/accounts-client";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, freshPhone, latestCode, type TenantCredentials } from "./support/issuer-client";
import { codeAt } from "./support/mfa-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";
import { storeActiveTotp } from "./support/second-factors";

const deps = issuerDeps(env);
// The test issuer runs on plain http (http://issuer.test), so the cookies carry no __Host- prefix.
const SESSION_COOKIE = "portcullis_session";
const CSRF_COOKIE = "portcullis_csrf";

async function loginPage(browser: PageBrowser, tenant: TenantCredentials): Promise<Page> {
  const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}`);
  expect(page.response.status, page.html).toBe(200);
  return page;
}

async function passwordSignIn(browser: PageBrowser, tenant: TenantCredentials, email: string, password: string): Promise<Page> {
  const page = await loginPage(browser, tenant);
  return browser.post("/login", { ...formFields(page.html, "password"), email, password });
}

function nonceOf(csp: string | null): string {
  const nonce = /style-src 'nonce-([a-z0-9]+)'/.exec(csp ?? "")?.[1];
  if (nonce === undefined) throw new Error(`no nonce in ${csp}`);
  return nonce;
}

async function browserSessionCount(userId: string): Promise<number> {
  return (await testDb.select().from(browserSessions).where(eq(browserSessions.userId, userId))).length;
}

describe("hosted pages: CSP and headers", () => {
  it("sends the exact strict CSP with a fresh nonce per response, and the nonce on the one stylesheet", async () => {
    const tenant = await createTenant({ branding: { logo_url: "https://cdn.example.com/logo.png" } });
    const browser = new PageBrowser();
    const first = await loginPage(browser, tenant);
    const csp = first.response.headers.get("Content-Security-Policy");
    const nonce = nonceOf(csp);
    expect(csp).toBe(
      `default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self' https://cdn.example.com; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`,
    );
    expect(nonce).toMatch(/^[0-9a-z]{26}$/);
    expect(first.html).toContain(`<style nonce="${nonce}">`);
    expect(first.html).not.toMatch(/ style="/);
    expect(first.response.headers.get("Cache-Control")).toBe("no-store");
    expect(first.response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(first.response.headers.get("Referrer-Policy")).toBe("same-origin");
    const second = await loginPage(browser, tenant);
    expect(nonceOf(second.response.headers.get("Content-Security-Policy"))).not.toBe(nonce);
  });

  it("escapes a tenant name that carries markup, so it cannot inject a script", async () => {
    const tenant = await createTenant({ email_branding: `<script>alert(1)</script>"` });
    const page = await loginPage(new PageBrowser(), tenant);
    expect(page.html).not.toContain("<script>alert(1)</script>");
    expect(page.html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
  });

  it("ties every input to a label and a wrong password's message to the password field", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const page = await loginPage(new PageBrowser(), tenant);
    for (const id of ["email", "password", "phone"]) expect(page.html).toContain(`<label for="${id}">`);
    const refused = await passwordSignIn(new PageBrowser(), tenant, user.email, `${user.password}x`);
    expect(refused.response.status).toBe(401);
    expect(refused.html).toMatch(/<input id="password"[^>]*aria-describedby="password-error"/);
    expect(refused.html).toContain('<p id="password-error" class="error">The email address or password is not right.</p>');
  });

  it("answers a page without a tenant key with a 400 page, not a stack trace", async () => {
    const page = await new PageBrowser().get("/login?key=pk_unknown");
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.html).toContain("needs to be opened from an app");
  });
});

describe("hosted pages: CSRF", () => {
  it("refuses a cross-site login POST that carries no CSRF token, and opens no browser session", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const victim = new PageBrowser();
    await loginPage(victim, tenant);
    const forged = await victim.post("/login", { step: "password", key: tenant.api_key, email: user.email, password: user.password, csrf: "" });
    expect(forged.response.status).toBe(403);
    expect(victim.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await browserSessionCount(user.user_id)).toBe(0);
  });

  it("refuses a CSRF token lifted from the attacker's own page when sent with the victim's cookie", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const attacker = new PageBrowser();
    const attackerForm = formFields((await loginPage(attacker, tenant)).html, "password");
    const victim = new PageBrowser();
    await loginPage(victim, tenant);
    const forged = await victim.post("/login", { ...attackerForm, email: user.email, password: user.password });
    expect(forged.response.status).toBe(403);
    expect(await browserSessionCount(user.user_id)).toBe(0);
  });

  it("refuses a login POST without the CSRF cookie (a form posted from another site whose cookie the browser withheld)", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    const fields = formFields((await loginPage(browser, tenant)).html, "password");
    browser.cookies.delete(CSRF_COOKIE);
    const forged = await browser.post("/login", { ...fields, email: user.email, password: user.password });
    expect(forged.response.status).toBe(403);
  });

  it("refuses a POST whose Origin is another site even with a valid token", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    const fields = formFields((await loginPage(browser, tenant)).html, "password");
    const forged = await browser.post("/login", { ...fields, email: user.email, password: user.password }, { Origin: "https://evil.example" });
    expect(forged.response.status).toBe(403);
    expect(await browserSessionCount(user.user_id)).toBe(0);
  });
});

describe("hosted pages: sign-in through the forms", () => {
  it("signs in by password: an HttpOnly SameSite=Lax session cookie, stored only as a hash and bound to the session it opened", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    const done = await passwordSignIn(browser, tenant, user.email, user.password);
    expect(done.response.status, done.html).toBe(200);
    const cookie = browser.cookies.get(SESSION_COOKIE) ?? "";
    expect(cookie).toMatch(/^bs_[0-9a-z]{32}$/);
    const header = browser.setCookieHeaders.find((value) => value.startsWith(`${SESSION_COOKIE}=`)) ?? "";
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Lax/);
    expect(header).toMatch(/; Path=\//);
    expect(header).not.toMatch(/Domain=/i);
    const csrfHeader = browser.setCookieHeaders.find((value) => value.startsWith(`${CSRF_COOKIE}=`)) ?? "";
    expect(csrfHeader).toMatch(/; HttpOnly/);
    const [row] = await testDb.select().from(browserSessions).where(eq(browserSessions.userId, user.user_id));
    expect(row?.idHash).toBe(await sha256Hex(cookie));
    expect(row?.amr).toEqual(["pwd"]);
    const opened = await testDb.select().from(sessions).where(eq(sessions.browserSessionId, row?.idHash ?? ""));
    expect(opened).toHaveLength(1);
    expect(await currentBrowserSession(deps, cookie, new Date())).toMatchObject({ userId: user.user_id, tenantId: tenant.tenant_id });
  });

  it("signs in by phone code through the form, reading the SMS inbox", async () => {
    const tenant = await createTenant();
    const browser = new PageBrowser();
    const phone = freshPhone();
    const requested = await browser.post("/login", { ...formFields((await loginPage(browser, tenant)).html, "phone_request"), phone });
    expect(requested.response.status, requested.html).toBe(200);
    const verified = await browser.post("/login", { ...formFields(requested.html, "phone_verify"), code: await latestCode(phone) });
    expect(verified.response.status, verified.html).toBe(200);
    const session = await currentBrowserSession(deps, browser.cookies.get(SESSION_COOKIE), new Date());
    expect(session?.amr).toEqual(["sms"]);
  });

  it("asks a TOTP user for the second factor and opens the browser session only after it", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const stored = await storeActiveTotp({ tenantId: tenant.tenant_id, userId: user.user_id });
    const secret = decodeTotpSecret(stored.secret);
    if (secret === null) throw new Error("not base32");
    const browser = new PageBrowser();
    const step = await passwordSignIn(browser, tenant, user.email, user.password);
    expect(step.response.status, step.html).toBe(200);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const wrong = await browser.post("/login", { ...formFields(step.html, "second_factor"), code: await codeAt(secret, 10) });
    expect(wrong.response.status).toBe(401);
    expect(wrong.html).toMatch(/aria-describedby="code-error"/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    const done = await browser.post("/login", { ...formFields(wrong.html, "second_factor"), code: await codeAt(secret) });
    expect(done.response.status, done.html).toBe(200);
    expect((await currentBrowserSession(deps, browser.cookies.get(SESSION_COOKIE), new Date()))?.amr).toEqual(["otp", "pwd", "mfa"]);
  });

  it("revoking the user's sessions ends the browser session", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    expect((await passwordSignIn(browser, tenant, user.email, user.password)).response.status).toBe(200);
    const cookie = browser.cookies.get(SESSION_COOKIE);
    expect(await currentBrowserSession(deps, cookie, new Date())).not.toBeNull();
    expect((await adminFetch(`/api/admin/users/${user.user_id}/revoke-sessions`, { method: "POST" })).status).toBe(200);
    expect(await currentBrowserSession(deps, cookie, new Date())).toBeNull();
  });

  it("a forged or guessed cookie value names no browser session", async () => {
    expect(await currentBrowserSession(deps, "bs_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", new Date())).toBeNull();
    expect(await currentBrowserSession(deps, "' or 1=1 --", new Date())).toBeNull();
  });
});

describe("hosted pages: sign-up", () => {
  it("creates the account through the form and signs the browser in when the tenant does not require verification", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const browser = new PageBrowser();
    const page = await browser.get(`/signup?key=${encodeURIComponent(tenant.api_key)}`);
    expect(page.response.status, page.html).toBe(200);
    expect(page.html).toContain('autocomplete="new-password"');
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
    const done = await browser.post("/signup", { csrf, key: tenant.api_key, email: freshEmail(), password: strongPassword() });
    expect(done.response.status, done.html).toBe(200);
    expect(await currentBrowserSession(deps, browser.cookies.get(SESSION_COOKIE), new Date())).toMatchObject({ tenantId: tenant.tenant_id, amr: ["pwd"] });
  });

  it("refuses a weak password beside the password field and opens nothing", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const browser = new PageBrowser();
    const page = await browser.get(`/signup?key=${encodeURIComponent(tenant.api_key)}`);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.html)?.[1] ?? "";
    const refused = await browser.post("/signup", { csrf, key: tenant.api_key, email: freshEmail(), password: "short" });
    expect(refused.response.status).toBe(400);
    expect(refused.html).toMatch(/<input id="password"[^>]*aria-describedby="password-error"/);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });

  it("refuses a cross-site sign-up POST without the CSRF token", async () => {
    const tenant = await createTenant({ email_verification_required: false });
    const browser = new PageBrowser();
    await browser.get(`/signup?key=${encodeURIComponent(tenant.api_key)}`);
    const forged = await browser.post("/signup", { csrf: "", key: tenant.api_key, email: freshEmail(), password: strongPassword() });
    expect(forged.response.status).toBe(403);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
  });
});
