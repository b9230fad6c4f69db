import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { consoleSessions } from "../../../drizzle/schema";
import { CONSOLE_SESSION_ABSOLUTE_MS, CONSOLE_SESSION_IDLE_MS, CONSOLE_SIGN_IN_FAILURE_LIMIT } from "../../../shared/domain/console-session";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { testDb } from "./support/account-rows";
import { auditOf, CONSOLE_COOKIE, consoleFormFields, consoleSessionRows, consoleSignIn, CSRF_COOKIE, sessionRowOf, signedInConsole, submit } from "./support/console-client";
import { ISSUER } from "./support/issuer-client";
import { PageBrowser } from "./support/page-browser";

/** Every page behind the console session, with ids that need not exist: a signed-out browser learns nothing of them. */
const SIGNED_IN_PAGES = [
  "/console/tenants",
  "/console/tenants/tn_0000000000000000000000000a",
  "/console/tenants/tn_0000000000000000000000000a/keys/key_0000000000000000000000000a/delete",
  "/console/tenants/tn_0000000000000000000000000a/webhooks/whk_0000000000000000000000000a",
  "/console/users",
  "/console/users?q=%2B15555550100&tenant_id=tn_0000000000000000000000000a",
  "/console/users/usr_0000000000000000000000000a",
  "/console/users/usr_0000000000000000000000000a/delete",
  "/console/audit",
];

function setCookieOf(browser: PageBrowser, name: string): string {
  const header = browser.setCookieHeaders.findLast((value) => value.startsWith(`${name}=`));
  if (header === undefined) throw new Error(`no Set-Cookie for ${name}`);
  return header;
}

describe("console sign-in", () => {
  it("signs in with the deployment's ADMIN_TOKEN: an HttpOnly, SameSite=Strict cookie for at most 8 hours, and only the cookie's hash is stored", async () => {
    const browser = new PageBrowser();
    const answer = await consoleSignIn(browser);
    expect(answer.response.status).toBe(303);
    expect(answer.response.headers.get("Location")).toBe("/console");
    const header = setCookieOf(browser, CONSOLE_COOKIE);
    expect(header).toMatch(/; HttpOnly/);
    expect(header).toMatch(/; SameSite=Strict/);
    expect(header).toMatch(/; Path=\//);
    expect(header).toContain(`Max-Age=${CONSOLE_SESSION_ABSOLUTE_MS / 1000}`);
    // Plain http here; over https the cookie is `__Host-portcullis_console; Secure` (console-cookie unit test).
    expect(header).not.toMatch(/; Secure/);
    const value = browser.cookies.get(CONSOLE_COOKIE) ?? "";
    expect(value).toMatch(/^console_[0-9a-z]{32}$/);
    const row = await sessionRowOf(browser);
    expect(JSON.stringify(row)).not.toContain(value);
    expect(JSON.stringify(row)).not.toContain(env.ADMIN_TOKEN);
    expect(row.expiresAt.getTime() - row.createdAt.getTime()).toBe(CONSOLE_SESSION_ABSOLUTE_MS);
    const tenants = await browser.get("/console/tenants");
    expect(tenants.response.status).toBe(200);
    expect(tenants.html).toContain("<h1>Tenants</h1>");
  });

  it("audits a sign-in with the session's id, and never the token", async () => {
    const browser = new PageBrowser();
    const answer = await consoleSignIn(browser);
    const row = await sessionRowOf(browser);
    const events = await auditOf(answer.response);
    expect(events.map((event) => [event.type, event.outcome])).toEqual([["console.signed_in", "success"]]);
    expect(events[0]?.details.console_session).toBe(row.id);
    expect(events[0]?.ip).toBe(browser.ip);
    expect(JSON.stringify(events)).not.toContain(env.ADMIN_TOKEN);
  });

  it("a browser already signed in is sent on from the sign-in page", async () => {
    const browser = await signedInConsole();
    const page = await browser.get("/console/login");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe("/console");
  });
});

describe("console sign-in: attacks", () => {
  it("wrong token: a 401 page, no cookie, no session, and a failure audited without the token", async () => {
    const browser = new PageBrowser();
    const before = (await consoleSessionRows()).length;
    const guess = `${env.ADMIN_TOKEN}x`;
    const answer = await consoleSignIn(browser, guess);
    expect(answer.response.status).toBe(401);
    expect(answer.response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
    expect(answer.html).toContain("That is not this deployment&#39;s admin token.");
    expect(answer.html).toMatch(/<input id="token"[^>]*aria-describedby="token-error"/);
    expect(browser.cookies.has(CONSOLE_COOKIE)).toBe(false);
    expect(browser.setCookieHeaders.some((header) => header.startsWith(`${CONSOLE_COOKIE}=`))).toBe(false);
    expect((await consoleSessionRows()).length).toBe(before);
    const events = await auditOf(answer.response);
    expect(events.map((event) => [event.type, event.outcome, event.details.reason])).toEqual([["console.sign_in_failed", "failure", "wrong_token"]]);
    expect(JSON.stringify(events)).not.toContain(guess);
    expect(answer.html).not.toContain(guess);
  });

  it("token guessing is throttled per client network: past the limit even the right token is refused with 429, and each refusal is audited as blocked", async () => {
    const browser = new PageBrowser();
    for (let attempt = 0; attempt < CONSOLE_SIGN_IN_FAILURE_LIMIT; attempt++) {
      expect((await consoleSignIn(browser, `guess-${attempt}-${"x".repeat(24)}`)).response.status).toBe(401);
    }
    const blocked = await consoleSignIn(browser);
    expect(blocked.response.status).toBe(429);
    expect(Number(blocked.response.headers.get("Retry-After"))).toBeGreaterThan(0);
    expect(blocked.html).toContain("Too many wrong tokens from your network.");
    expect(browser.cookies.has(CONSOLE_COOKIE)).toBe(false);
    const events = await auditOf(blocked.response);
    expect(events.map((event) => [event.type, event.outcome, event.details.reason])).toEqual([["console.sign_in_failed", "blocked", "throttled"]]);
    // Another network is not held back by this one's guesses.
    expect((await consoleSignIn(new PageBrowser())).response.status).toBe(303);
  });

  it("a right token hands its attempt back, so operators signing in often never reach the limit", async () => {
    const browser = new PageBrowser();
    for (let attempt = 0; attempt < CONSOLE_SIGN_IN_FAILURE_LIMIT + 2; attempt++) {
      browser.cookies.delete(CONSOLE_COOKIE);
      expect((await consoleSignIn(browser)).response.status).toBe(303);
    }
  });

  it("CSRF missing: a sign-in form without the token is refused with 403 before the admin token is compared or counted", async () => {
    const browser = new PageBrowser();
    await browser.get("/console/login");
    const forged = await browser.post("/console/login", { csrf: "", token: env.ADMIN_TOKEN });
    expect(forged.response.status).toBe(403);
    expect(browser.cookies.has(CONSOLE_COOKIE)).toBe(false);
    expect(await auditOf(forged.response)).toEqual([]);
  });

  it("CSRF forged: a token lifted from the attacker's own page is refused with the victim's cookie", async () => {
    const attacker = new PageBrowser();
    const attackerFields = consoleFormFields((await attacker.get("/console/login")).html, "/console/login");
    const victim = new PageBrowser();
    await victim.get("/console/login");
    const forged = await victim.post("/console/login", { ...attackerFields, token: env.ADMIN_TOKEN });
    expect(forged.response.status).toBe(403);
    expect(victim.cookies.has(CONSOLE_COOKIE)).toBe(false);
  });

  it("CSRF forged: an operator action with the attacker's token is refused and changes nothing", async () => {
    const attacker = new PageBrowser();
    const attackerFields = consoleFormFields((await attacker.get("/console/login")).html, "/console/login");
    const operator = await signedInConsole();
    const forged = await operator.post("/console/logout", { csrf: attackerFields.csrf ?? "" });
    expect(forged.response.status).toBe(403);
    expect((await sessionRowOf(operator)).endedAt).toBeNull();
  });

  it("cross-origin POST: a form from another origin is refused even with a valid CSRF token and the session cookie", async () => {
    const operator = await signedInConsole();
    const page = await operator.get("/console/tenants");
    const fields = consoleFormFields(page.html, "/console/logout");
    const crossOrigin = await operator.post("/console/logout", fields, { Origin: "https://evil.example" });
    expect(crossOrigin.response.status).toBe(403);
    expect((await sessionRowOf(operator)).endedAt).toBeNull();
    const sameOrigin = await operator.post("/console/logout", fields, { Origin: ISSUER });
    expect(sameOrigin.response.status).toBe(200);
  });

  it("forged session cookie: a made-up or malformed value is no session", async () => {
    for (const value of [`console_${"a".repeat(32)}`, "console_", "%00", "x".repeat(4000), `console_${"a".repeat(32)}; ${CONSOLE_COOKIE}=b`]) {
      const browser = new PageBrowser();
      browser.cookies.set(CONSOLE_COOKIE, value);
      const page = await browser.get("/console/tenants");
      expect(page.response.status, value.slice(0, 40)).toBe(303);
      expect(page.response.headers.get("Location")).toBe("/console/login");
    }
  });

  it("stolen hash: the stored hash presented as the cookie is no session", async () => {
    const operator = await signedInConsole();
    const row = await sessionRowOf(operator);
    const thief = new PageBrowser();
    thief.cookies.set(CONSOLE_COOKIE, row.tokenHash);
    expect((await thief.get("/console/tenants")).response.status).toBe(303);
  });

  it("expired session (idle): 30 minutes without a page ends it", async () => {
    const operator = await signedInConsole();
    const row = await sessionRowOf(operator);
    await testDb.update(consoleSessions).set({ lastSeenAt: new Date(Date.now() - CONSOLE_SESSION_IDLE_MS - 1000) }).where(eq(consoleSessions.id, row.id));
    const page = await operator.get("/console/tenants");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe("/console/login");
  });

  it("a page within the idle limit keeps the session going", async () => {
    const operator = await signedInConsole();
    const row = await sessionRowOf(operator);
    const earlier = new Date(Date.now() - CONSOLE_SESSION_IDLE_MS + 60_000);
    await testDb.update(consoleSessions).set({ lastSeenAt: earlier }).where(eq(consoleSessions.id, row.id));
    expect((await operator.get("/console/tenants")).response.status).toBe(200);
    expect((await sessionRowOf(operator)).lastSeenAt.getTime()).toBeGreaterThan(earlier.getTime());
  });

  it("expired session (absolute): past 8 hours it ends, however busy", async () => {
    const operator = await signedInConsole();
    const row = await sessionRowOf(operator);
    await testDb.update(consoleSessions).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(consoleSessions.id, row.id));
    expect((await operator.get("/console/tenants")).response.status).toBe(303);
  });

  it("session after logout: the cookie replayed after signing out is refused, and the sign-out is audited", async () => {
    const operator = await signedInConsole();
    const stolen = operator.cookies.get(CONSOLE_COOKIE) ?? "";
    const signedOut = await submit(operator, "/console/tenants", "/console/logout");
    expect(signedOut.response.status).toBe(200);
    expect(signedOut.html).toContain("You are signed out");
    expect(operator.cookies.has(CONSOLE_COOKIE)).toBe(false);
    const events = await auditOf(signedOut.response);
    expect(events.map((event) => event.type)).toEqual(["console.signed_out"]);
    const replay = new PageBrowser();
    replay.cookies.set(CONSOLE_COOKIE, stolen);
    const page = await replay.get("/console/tenants");
    expect(page.response.status).toBe(303);
    expect(page.response.headers.get("Location")).toBe("/console/login");
  });

  it("session made before ADMIN_TOKEN rotation: the old session is refused once the token changes, and the new token signs in", async () => {
    const operator = await signedInConsole();
    const rotatedEnv = { ...env, ADMIN_TOKEN: `rotated-${crypto.randomUUID()}` };
    const app = createIssuerApp(issuerDeps);
    const call = async (path: string, init: RequestInit = {}) => {
      const ctx = createExecutionContext();
      const headers = new Headers(init.headers);
      headers.set("CF-Connecting-IP", operator.ip);
      headers.set("Cookie", [...operator.cookies].map(([name, value]) => `${name}=${value}`).join("; "));
      const response = await app.request(`${ISSUER}${path}`, { ...init, headers, redirect: "manual" }, rotatedEnv, ctx);
      await waitOnExecutionContext(ctx);
      return response;
    };
    const refused = await call("/console/tenants");
    expect(refused.status).toBe(303);
    expect(refused.headers.get("Location")).toBe("/console/login");
    // The same session still works where the token did not change: only the rotation refused it.
    expect((await operator.get("/console/tenants")).response.status).toBe(200);
    const loginPage = await call("/console/login");
    expect(loginPage.status).toBe(200);
    const csrf = consoleFormFields(await loginPage.text(), "/console/login").csrf ?? "";
    const withOld = await call("/console/login", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ csrf, token: env.ADMIN_TOKEN }).toString() });
    expect(withOld.status).toBe(401);
    const withNew = await call("/console/login", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ csrf, token: rotatedEnv.ADMIN_TOKEN }).toString() });
    expect(withNew.status).toBe(303);
    expect(withNew.headers.getSetCookie().some((header) => header.startsWith(`${CONSOLE_COOKIE}=console_`))).toBe(true);
  });

  it("pages without a session redirect to the sign-in page, and say nothing about what they would show", async () => {
    for (const path of SIGNED_IN_PAGES) {
      const page = await new PageBrowser().get(path);
      expect(page.response.status, path).toBe(303);
      expect(page.response.headers.get("Location"), path).toBe("/console/login");
      expect(page.html, path).toBe("");
    }
  });

  it("a form post without a session is refused with a 401 page that changes nothing", async () => {
    const browser = new PageBrowser();
    const fields = consoleFormFields((await browser.get("/console/login")).html, "/console/login");
    const answer = await browser.post("/console/users/usr_0000000000000000000000000a/disable", { csrf: fields.csrf ?? "" });
    expect(answer.response.status).toBe(401);
    expect(answer.html).toContain("Your console session has ended");
    expect(await auditOf(answer.response)).toEqual([]);
  });

  it("clickjacking: every console page forbids framing and carries the hosted pages' CSP and headers", async () => {
    const operator = await signedInConsole();
    for (const path of ["/console/login", "/console/tenants", "/console/users", "/console/audit"]) {
      const browser = path === "/console/login" ? new PageBrowser() : operator;
      const { response, html } = await browser.get(path);
      expect(response.status, path).toBe(200);
      expect(response.headers.get("X-Frame-Options"), path).toBe("DENY");
      const csp = response.headers.get("Content-Security-Policy") ?? "";
      const nonce = /style-src 'nonce-([a-z0-9]+)'/.exec(csp)?.[1] ?? "";
      expect(csp, path).toBe(`default-src 'none'; style-src 'nonce-${nonce}'; script-src 'nonce-${nonce}'; img-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'`);
      expect(response.headers.get("Cache-Control"), path).toBe("no-store");
      expect(response.headers.get("Referrer-Policy"), path).toBe("same-origin");
      expect(response.headers.get("X-Content-Type-Options"), path).toBe("nosniff");
      expect(html, path).toContain(`<style nonce="${nonce}">`);
      expect(html, path).not.toMatch(/<script|\sstyle="/);
    }
    // The redirects too: a signed-out page's 303 carries the same headers.
    const redirect = await new PageBrowser().get("/console/tenants");
    expect(redirect.response.headers.get("X-Frame-Options")).toBe("DENY");
    expect(redirect.response.headers.get("Content-Security-Policy")).toMatch(/frame-ancestors 'none'/);
  });

  it("the sign-in page's CSRF cookie is the hosted pages' own, HttpOnly", async () => {
    const browser = new PageBrowser();
    await browser.get("/console/login");
    expect(setCookieOf(browser, CSRF_COOKIE)).toMatch(/; HttpOnly/);
  });
});
