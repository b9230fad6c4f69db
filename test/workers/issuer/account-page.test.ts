import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { browserSessions, sessions, totpFactors } from "../../../drizzle/schema";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { decodeTotpSecret } from "../../../shared/crypto/totp";
import { emailInbox, freshEmail, login, passwordUser, strongPassword, type SessionBody } from "./support/accounts-client";
import { testDb, userRow } from "./support/account-rows";
import { createTenant, freshPhone, issuerFetch, latestCode, withBearer, type TenantCredentials } from "./support/issuer-client";
import { codeAt } from "./support/mfa-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";
import { ISSUER_ORIGIN, SoftwareAuthenticator, storedPasskey } from "./support/passkey-client";
import { storeActiveTotp } from "./support/second-factors";

const SESSION_COOKIE = "portcullis_session";

/** The hidden fields of the account form posting to `/account/<action>` (the first one, or the one holding `where`). */
function accountForm(html: string, action: string, where?: RegExp): Record<string, string> {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    if (!form.includes(`action="/account/${action}"`) || (where !== undefined && !where.test(form))) continue;
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined) fields[name] = /value="([^"]*)"/.exec(input)?.[1] ?? "";
    }
    return fields;
  }
  throw new Error(`no form for /account/${action} on the page`);
}

/** A browser signed in through the hosted login page with a password: the way a user reaches /account. */
async function signedInBrowser(tenant: TenantCredentials, user: { email: string; password: string }): Promise<PageBrowser> {
  const browser = new PageBrowser();
  const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}`);
  const done = await browser.post("/login", { ...formFields(page.html, "password"), email: user.email, password: user.password });
  expect(done.response.status, done.html).toBe(200);
  expect(browser.cookies.has(SESSION_COOKIE)).toBe(true);
  return browser;
}

async function accountPage(browser: PageBrowser): Promise<Page> {
  const page = await browser.get("/account");
  expect(page.response.status, page.html).toBe(200);
  return page;
}

async function post(browser: PageBrowser, action: string, fields: Record<string, string> = {}, where?: RegExp): Promise<Page> {
  const page = await accountPage(browser);
  return browser.post(`/account/${action}`, { ...accountForm(page.html, action, where), ...fields });
}

/** Moves the browser session's sign-in back in time, as if the user had signed in that long ago. */
async function ageSignIn(browser: PageBrowser, seconds: number): Promise<void> {
  const idHash = await sha256Hex(browser.cookies.get(SESSION_COOKIE) ?? "");
  await testDb.update(browserSessions).set({ authTime: new Date(Date.now() - seconds * 1000) }).where(eq(browserSessions.idHash, idHash));
}

async function sessionRevoked(sessionId: string): Promise<boolean> {
  const [row] = await testDb.select({ revokedAt: sessions.revokedAt }).from(sessions).where(eq(sessions.id, sessionId));
  return row?.revokedAt !== null && row?.revokedAt !== undefined;
}

/** The sessions opened under a page browser's browser session. */
async function browserSessionRows(browser: PageBrowser): Promise<string[]> {
  const idHash = await sha256Hex(browser.cookies.get(SESSION_COOKIE) ?? "");
  const rows = await testDb.select({ id: sessions.id }).from(sessions).where(eq(sessions.browserSessionId, idHash));
  return rows.map((row) => row.id);
}

function sidOf(body: SessionBody): string {
  const payload = JSON.parse(atob((body.token.split(".")[1] ?? "").replace(/-/g, "+").replace(/_/g, "/"))) as { sid: string };
  return payload.sid;
}

async function meStatus(token: string): Promise<number> {
  return (await issuerFetch("/api/auth/me", withBearer(token))).status;
}

describe("account page: who is signed in", () => {
  it("sends a browser without a session to /login for the tenant its key names, and back to /account after the sign-in", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    const away = await browser.get(`/account?key=${encodeURIComponent(tenant.api_key)}`);
    expect(away.response.status).toBe(303);
    expect(away.response.headers.get("Location")).toBe(`/login?account=${tenant.tenant_id}`);
    const login = await browser.get(`/login?account=${tenant.tenant_id}`);
    expect(login.response.status, login.html).toBe(200);
    const back = await browser.post("/login", { ...formFields(login.html, "password"), email: user.email, password: user.password });
    expect(back.response.status, back.html).toBe(303);
    expect(back.response.headers.get("Location")).toBe("/account");
    const page = await accountPage(browser);
    expect(page.html).toContain(user.email);
    expect(page.html).toContain(user.user_id);
  });

  it("answers a browser without a session and without a tenant with a 401 page, not a stack trace", async () => {
    const page = await new PageBrowser().get("/account");
    expect(page.response.status).toBe(401);
    expect(page.response.headers.get("Content-Type")).toMatch(/^text\/html/);
    expect(page.html).toContain("You are signed out");
  });

  it("a revoked browser session cannot use the page: the next GET and POST are signed out and change nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const page = await accountPage(browser);
    expect((await issuerFetch("/api/auth/logout-all", withBearer(user.token, { method: "POST" }))).status).toBe(204);
    const otherBody = await (await login(tenant.api_key, user.email, user.password)).json<SessionBody>();
    expect((await browser.get("/account")).response.status).toBe(401);
    const refused = await browser.post("/account/sessions/revoke", { ...accountForm(page.html, "sessions/revoke"), session_id: sidOf(otherBody) });
    expect(refused.response.status).toBe(401);
    // The session opened after logout-all is untouched by the refused form.
    expect(await sessionRevoked(sidOf(otherBody))).toBe(false);
  });

  it("sends the strict CSP with a nonce and no style attributes", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const page = await accountPage(await signedInBrowser(tenant, user));
    const csp = page.response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[0-9a-z]{26}'; script-src 'nonce-[0-9a-z]{26}'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'$/);
    expect(page.html).not.toMatch(/ style="/);
    expect(page.response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("account page: CSRF", () => {
  it("refuses a sign-out-everywhere form without a CSRF token, and signs nobody out", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const forged = await browser.post("/account/sessions/revoke-all", { csrf: "" });
    expect(forged.response.status).toBe(403);
    expect(await meStatus(user.token)).toBe(200);
    expect((await browser.get("/account")).response.status).toBe(200);
  });

  it("refuses a delete form carrying a token lifted from the attacker's own page, and deletes nothing", async () => {
    const tenant = await createTenant();
    const victimUser = await passwordUser(tenant);
    const attackerUser = await passwordUser(tenant);
    const attacker = await signedInBrowser(tenant, attackerUser);
    const attackerForm = accountForm((await accountPage(attacker)).html, "delete");
    const victim = await signedInBrowser(tenant, victimUser);
    const forged = await victim.post("/account/delete", { ...attackerForm, confirm: "yes" });
    expect(forged.response.status).toBe(403);
    expect((await userRow(victimUser.user_id)).deletedAt).toBeNull();
  });

  it("refuses a POST whose Origin is another site even with a valid token", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const fields = accountForm((await accountPage(browser)).html, "sessions/revoke-all");
    const forged = await browser.post("/account/sessions/revoke-all", fields, { Origin: "https://evil.example" });
    expect(forged.response.status).toBe(403);
    expect(await meStatus(user.token)).toBe(200);
  });
});

describe("account page: active sessions", () => {
  it("lists the sessions with this browser marked, and signs another one out so its token stops working", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const page = await accountPage(browser);
    const otherSid = sidOf(user);
    expect(page.html).toContain("This browser: ");
    expect(page.html).toContain(`value="${otherSid}"`);
    const done = await post(browser, "sessions/revoke", {}, new RegExp(`value="${otherSid}"`));
    expect(done.response.status, done.html).toBe(303);
    expect(done.response.headers.get("Location")).toBe("/account");
    expect(await sessionRevoked(otherSid)).toBe(true);
    expect(await meStatus(user.token)).toBe(401);
    expect((await accountPage(browser)).html).not.toContain(`value="${otherSid}"`);
  });

  it("signs another browser out as one device: its sign-in ends, so that browser is signed out of every page", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const laptop = await signedInBrowser(tenant, user);
    const phone = await signedInBrowser(tenant, user);
    const phoneSessions = await browserSessionRows(phone);
    expect(phoneSessions).toHaveLength(1);
    const phoneSid = phoneSessions[0] ?? "";
    const done = await post(laptop, "sessions/revoke", {}, new RegExp(`value="${phoneSid}"`));
    expect(done.response.status, done.html).toBe(303);
    expect(await sessionRevoked(phoneSid)).toBe(true);
    expect((await phone.get("/account")).response.status).toBe(401);
    expect((await accountPage(laptop)).html).toContain("This browser: ");
  });

  it("signing out this browser from the list clears its cookie and says it is signed out", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const [ownSid] = await browserSessionRows(browser);
    const done = await post(browser, "sessions/revoke", {}, new RegExp(`value="${ownSid}"`));
    expect(done.response.status, done.html).toBe(200);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await sessionRevoked(ownSid ?? "")).toBe(true);
  });

  it("another user's session id in the sign-out form is not found and changes nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const stranger = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const refused = await post(browser, "sessions/revoke", { session_id: sidOf(stranger) });
    expect(refused.response.status).toBe(404);
    expect(await sessionRevoked(sidOf(stranger))).toBe(false);
    expect(await meStatus(stranger.token)).toBe(200);
  });

  it("a malformed session id is not found, not a 500", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const refused = await post(await signedInBrowser(tenant, user), "sessions/revoke", { session_id: "ses_'; drop table sessions; --" });
    expect(refused.response.status).toBe(404);
  });

  it("signs out everywhere: every session revoked, the cookie cleared, the page signed out", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const done = await post(browser, "sessions/revoke-all");
    expect(done.response.status, done.html).toBe(200);
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await meStatus(user.token)).toBe(401);
  });
});

describe("account page: authenticator app and recovery codes", () => {
  it("enrols TOTP: a QR code as inline SVG with no script, style or link, the key as text, then recovery codes shown once", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const started = await post(browser, "totp/start");
    expect(started.response.status, started.html).toBe(200);
    const svg = /<svg[\s\S]*?<\/svg>/.exec(started.html)?.[0] ?? "";
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www.w3.org\/2000\/svg" viewBox="0 0 \d+ \d+">/);
    expect(svg).not.toMatch(/<script|<style|style=|href|<foreignObject|\son[a-z]+=/i);
    const secretText = /<code id="totp-secret">([A-Z2-7]+)<\/code>/.exec(started.html)?.[1] ?? "";
    const secret = decodeTotpSecret(secretText);
    if (secret === null) throw new Error("no key on the page");
    const wrong = await browser.post("/account/totp/confirm", { ...accountForm(started.html, "totp/confirm"), code: await codeAt(secret, 10) });
    expect(wrong.response.status).toBe(401);
    expect(wrong.html).toMatch(/<input id="totp-code"[^>]*aria-describedby="totp-code-error"/);
    const confirmed = await browser.post("/account/totp/confirm", { ...accountForm(wrong.html, "totp/confirm"), code: await codeAt(secret) });
    expect(confirmed.response.status, confirmed.html).toBe(200);
    const codes = /<ul id="recovery-codes">([\s\S]*?)<\/ul>/.exec(confirmed.html)?.[1]?.match(/<code>/g) ?? [];
    expect(codes).toHaveLength(10);
    const [factor] = await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id));
    expect(factor?.state).toBe("active");
    expect((await accountPage(browser)).html).not.toContain('<ul id="recovery-codes">');
  });

  it("a stale sign-in cannot enrol TOTP: the browser is sent to sign in again and nothing is started", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    await ageSignIn(browser, 600);
    const sent = await post(browser, "totp/start");
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("Location")).toBe(`/login?account=${tenant.tenant_id}`);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(0);
  });

  it("a single-factor sign-in cannot mint recovery codes for a TOTP account: sent to sign in again with both factors", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    await storeActiveTotp({ tenantId: tenant.tenant_id, userId: user.user_id });
    const sent = await post(browser, "recovery-codes");
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("Location")).toBe(`/login?account=${tenant.tenant_id}`);
  });
});

describe("account page: with two factors", () => {
  it("a two-factor sign-in through the page makes new recovery codes (shown once) and removes the authenticator app", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const stored = await storeActiveTotp({ tenantId: tenant.tenant_id, userId: user.user_id });
    const secret = decodeTotpSecret(stored.secret);
    if (secret === null) throw new Error("not base32");
    const browser = new PageBrowser();
    const login = await browser.get(`/login?account=${tenant.tenant_id}`);
    const step = await browser.post("/login", { ...formFields(login.html, "password"), email: user.email, password: user.password });
    const back = await browser.post("/login", { ...formFields(step.html, "second_factor"), code: await codeAt(secret) });
    expect(back.response.headers.get("Location")).toBe("/account");
    const renewed = await post(browser, "recovery-codes");
    expect(renewed.response.status, renewed.html).toBe(200);
    const codes = /<ul id="recovery-codes">([\s\S]*?)<\/ul>/.exec(renewed.html)?.[1]?.match(/<code>[^<]+<\/code>/g) ?? [];
    expect(codes).toHaveLength(10);
    expect(codes.some((code) => stored.recoveryCodes.includes(code.slice(6, -7)))).toBe(false);
    const removed = await post(browser, "totp/remove");
    expect(removed.response.status, removed.html).toBe(200);
    expect(await testDb.select().from(totpFactors).where(eq(totpFactors.userId, user.user_id))).toHaveLength(0);
  });
});

describe("account page: password and deletion", () => {
  it("changes the password with the current one, and ties a wrong current password to its field", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const next = strongPassword();
    const wrong = await post(browser, "password", { current_password: `${user.password}x`, new_password: next });
    expect(wrong.response.status).toBe(401);
    expect(wrong.html).toMatch(/<input id="current-password"[^>]*aria-describedby="current-password-error"/);
    const done = await post(browser, "password", { current_password: user.password, new_password: next });
    expect(done.response.status, done.html).toBe(200);
    expect((await login(tenant.api_key, user.email, next)).status).toBe(200);
    // The page's own session stays; the others were signed out.
    expect((await browser.get("/account")).response.status).toBe(200);
    expect(await meStatus(user.token)).toBe(401);
  });

  it("deletes the account after the confirmation box, and signs the browser out", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const unconfirmed = await post(browser, "delete");
    expect(unconfirmed.response.status).toBe(400);
    expect(unconfirmed.html).toMatch(/<input id="delete-confirm"[^>]*aria-describedby="delete-confirm-error"/);
    expect((await userRow(user.user_id)).deletedAt).toBeNull();
    const done = await post(browser, "delete", { confirm: "yes" });
    expect(done.response.status, done.html).toBe(200);
    expect((await userRow(user.user_id)).deletedAt).not.toBeNull();
    expect(browser.cookies.has(SESSION_COOKIE)).toBe(false);
    expect(await meStatus(user.token)).toBe(401);
  });

  it("a stale sign-in cannot delete the account", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    await ageSignIn(browser, 600);
    const sent = await post(browser, "delete", { confirm: "yes" });
    expect(sent.response.status).toBe(303);
    expect(sent.response.headers.get("Location")).toBe(`/login?account=${tenant.tenant_id}`);
    expect((await userRow(user.user_id)).deletedAt).toBeNull();
  });
});

function decodeEntities(value: string): string {
  return value.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}

describe("account page: passkeys", () => {
  it("adds a passkey: options from the registration service, our nonce'd script, the attestation posted back with the CSRF token; then removes it", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const started = await post(browser, "passkeys/options");
    expect(started.response.status, started.html).toBe(200);
    const nonce = /script-src 'nonce-([0-9a-z]+)'/.exec(started.response.headers.get("Content-Security-Policy") ?? "")?.[1] ?? "missing";
    expect(started.html).toContain(`<script nonce="${nonce}">`);
    expect(started.html.match(/<script/g)).toHaveLength(1);
    const options = JSON.parse(decodeEntities(/id="passkey-options" value="([^"]*)"/.exec(started.html)?.[1] ?? "{}")) as Record<string, unknown>;
    const credential = await new SoftwareAuthenticator().create(ISSUER_ORIGIN, options);
    const added = await browser.post("/account/passkeys/register", { ...accountForm(started.html, "passkeys/register"), credential: JSON.stringify(credential), name: "Laptop" });
    expect(added.response.status, added.html).toBe(200);
    const passkeyId = /name="passkey_id" value="(pkey_[0-9a-z]{26})"/.exec(added.html)?.[1] ?? "";
    expect((await storedPasskey(passkeyId))?.name).toBe("Laptop");
    // Removing a factor needs a strong sign-in: a password-only browser is sent to sign in again, and the passkey stays.
    const refused = await post(browser, "passkeys/remove", {}, new RegExp(passkeyId));
    expect(refused.response.status).toBe(303);
    expect(await storedPasskey(passkeyId)).toBeDefined();
  });

  it("refuses a credential field that is not an attestation with 400 on the page, and adds nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const started = await post(browser, "passkeys/options");
    const junk = await browser.post("/account/passkeys/register", { ...accountForm(started.html, "passkeys/register"), credential: "{not json" });
    expect(junk.response.status).toBe(400);
    expect(junk.html).toContain('<p role="alert">Something in the form is missing or not valid.</p>');
    expect(junk.html).not.toMatch(/name="passkey_id"/);
  });
});

describe("account page: email and phone", () => {
  it("saves the user's name into their own metadata, keeping the rest of it, and shows it escaped", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    await issuerFetch("/api/auth/me", withBearer(user.token, { method: "PATCH", headers: { "Content-Type": "application/json" }, body: '{"metadata":{"plan":"pro"}}' }));
    const browser = await signedInBrowser(tenant, user);
    const saved = await post(browser, "profile", { name: "Ada <b>Lovelace</b>" });
    expect(saved.response.status, saved.html).toBe(200);
    expect((await userRow(user.user_id)).metadata).toEqual({ plan: "pro", name: "Ada <b>Lovelace</b>" });
    expect(saved.html).toContain('value="Ada &lt;b&gt;Lovelace&lt;/b&gt;"');
  });

  it("changes the email address only once the new one is proved: the page says where the link went and the address is unchanged meanwhile", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const next = freshEmail();
    const sent = await post(browser, "email", { email: next });
    expect(sent.response.status, sent.html).toBe(200);
    expect(sent.html).toContain(`We sent a link to ${next}.`);
    expect((await userRow(user.user_id)).email).toBe(user.email);
    for (let attempt = 0; attempt < 100 && (await emailInbox(next)).length === 0; attempt++) await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await emailInbox(next)).length).toBeGreaterThan(0);
  });

  it("ties an address that is not one to the email field", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const refused = await post(await signedInBrowser(tenant, user), "email", { email: "not an address" });
    expect(refused.response.status).toBe(400);
    expect(refused.html).toMatch(/<input id="new-email"[^>]*aria-describedby="new-email-error"/);
  });

  it("adds a phone number by the code sent to it; a wrong code is tied to the code field and adds nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const browser = await signedInBrowser(tenant, user);
    const phone = freshPhone();
    const requested = await post(browser, "phone/request", { phone });
    expect(requested.response.status, requested.html).toBe(200);
    const code = await latestCode(phone);
    const wrongCode = code === "000000" ? "111111" : "000000";
    const wrong = await browser.post("/account/phone/verify", { ...accountForm(requested.html, "phone/verify"), code: wrongCode });
    expect(wrong.response.status).toBe(401);
    expect(wrong.html).toMatch(/<input id="phone-code"[^>]*aria-describedby="phone-code-error"/);
    expect((await userRow(user.user_id)).phone).toBeNull();
    const done = await browser.post("/account/phone/verify", { ...accountForm(wrong.html, "phone/verify"), code });
    expect(done.response.status, done.html).toBe(200);
    expect((await userRow(user.user_id)).phone).toBe(phone);
  });
});
