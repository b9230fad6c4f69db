/** Drives the operator console as a browser would: a cookie jar, the forms' hidden fields, the admin token pasted in. */
import { env } from "cloudflare:workers";
import { desc, eq, sql } from "drizzle-orm";
import { expect } from "vitest";
import { auditEvents, consoleSessions } from "../../../../drizzle/schema";
import { testDb } from "./account-rows";
import { PageBrowser, type Page } from "./page-browser";

// The test issuer runs on plain http (http://issuer.test), so the cookies carry no __Host- prefix.
export const CONSOLE_COOKIE = "portcullis_console";
export const CSRF_COOKIE = "portcullis_csrf";

/** The hidden fields of the page's form that posts to `action`: what the browser would send. */
export function consoleFormFields(html: string, action: string): Record<string, string> {
  for (const form of html.match(/<form[\s\S]*?<\/form>/g) ?? []) {
    if (!form.includes(`action="${action}"`)) continue;
    const fields: Record<string, string> = {};
    for (const input of form.match(/<input[^>]*>/g) ?? []) {
      const name = /name="([^"]*)"/.exec(input)?.[1];
      const value = /value="([^"]*)"/.exec(input)?.[1];
      if (name !== undefined && /type="hidden"/.test(input)) fields[name] = value ?? "";
    }
    return fields;
  }
  throw new Error(`no form posting to ${action} on the page`);
}

/** The console's sign-in form, filled in with `token` and sent. */
export async function consoleSignIn(browser: PageBrowser, token: string = env.ADMIN_TOKEN): Promise<Page> {
  const page = await browser.get("/console/login");
  expect(page.response.status, page.html).toBe(200);
  return browser.post("/console/login", { ...consoleFormFields(page.html, "/console/login"), token });
}

/** A browser signed in to the console. */
export async function signedInConsole(): Promise<PageBrowser> {
  const browser = new PageBrowser();
  const signedIn = await consoleSignIn(browser);
  expect(signedIn.response.status, signedIn.html).toBe(303);
  expect(browser.cookies.has(CONSOLE_COOKIE)).toBe(true);
  return browser;
}

/** Opens `page` and posts its form to `action` with `extra` fields, as clicking its button would. */
export async function submit(browser: PageBrowser, page: string, action: string, extra: Record<string, string> = {}): Promise<Page> {
  const opened = await browser.get(page);
  expect(opened.response.status, opened.html).toBe(200);
  return browser.post(action, { ...consoleFormFields(opened.html, action), ...extra });
}

/** The console session rows, newest first. */
export function consoleSessionRows(): Promise<(typeof consoleSessions.$inferSelect)[]> {
  return testDb.select().from(consoleSessions).orderBy(desc(consoleSessions.createdAt));
}

/** The console session a signed-in browser's cookie names (by the hash the server keeps). */
export async function sessionRowOf(browser: PageBrowser): Promise<typeof consoleSessions.$inferSelect> {
  const value = browser.cookies.get(CONSOLE_COOKIE) ?? "";
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(value)));
  const hash = [...digest].map((byte) => byte.toString(16).padStart(2, "0")).join("");
  const [row] = await testDb.select().from(consoleSessions).where(eq(consoleSessions.tokenHash, hash));
  if (row === undefined) throw new Error("the browser's console cookie names no stored session");
  return row;
}

/** The audit events whose request id is the answer's: what one request recorded. */
export async function auditOf(response: Response): Promise<(typeof auditEvents.$inferSelect)[]> {
  const requestId = response.headers.get("X-Request-Id") ?? "";
  return testDb.select().from(auditEvents).where(sql`${auditEvents.details} ->> 'request_id' = ${requestId}`).orderBy(auditEvents.createdAt);
}
