import type { Context } from "hono";
import { getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import { secretsEqual } from "../../../shared/crypto/constant-time";
import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { randomBase32 } from "../../../shared/crypto/ids";
import type { AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";
import { pageCookies } from "../pages/page-cookies";
import { HOSTED_PAGE_HEADERS, hostedPageCsp, type PagePolicy } from "../pages/page-security";

export type PageContext = Context<AppEnv<IssuerBindings>>;

function setPageCookie(c: PageContext, name: string, value: string, maxAgeSeconds: number): void {
  const { secure } = pageCookies(c.get("deps").config.issuerUrl);
  setCookie(c, name, value, { path: "/", httpOnly: true, secure, sameSite: "Lax", maxAge: maxAgeSeconds });
}

export function setSessionCookie(c: PageContext, value: string, maxAgeSeconds: number): void {
  setPageCookie(c, pageCookies(c.get("deps").config.issuerUrl).session, value, maxAgeSeconds);
}

export function clearSessionCookie(c: PageContext): void {
  setPageCookie(c, pageCookies(c.get("deps").config.issuerUrl).session, "", 0);
}

export function sessionCookie(c: PageContext): string | undefined {
  return getCookie(c, pageCookies(c.get("deps").config.issuerUrl).session);
}

const CSRF_COOKIE_VALUE = /^[0-9a-hjkmnp-tv-z]{32}$/;
const CSRF_COOKIE_SECONDS = 24 * 60 * 60;

/**
 * CSRF: a random value in an HttpOnly cookie, and in each form the HMAC of that value under a
 * server secret. A cross-site form cannot read the cookie, and a token copied from the
 * attacker's own page belongs to the attacker's cookie, not the victim's.
 */
export async function csrfTokenFor(c: PageContext): Promise<string> {
  const name = pageCookies(c.get("deps").config.issuerUrl).csrf;
  let value = getCookie(c, name);
  if (value === undefined || !CSRF_COOKIE_VALUE.test(value)) {
    value = randomBase32(32);
    setPageCookie(c, name, value, CSRF_COOKIE_SECONDS);
  }
  return csrfToken(c, value);
}

function csrfToken(c: PageContext, cookieValue: string): Promise<string> {
  return hmacSha256Hex(c.get("deps").config.otpHashSecret, `csrf:${cookieValue}`);
}

/** True when a POST carries the token of this browser's cookie and, if the browser says where it came from, comes from the issuer. */
export async function csrfAccepted(c: PageContext, presented: string | undefined): Promise<boolean> {
  const origin = c.req.header("Origin");
  if (origin !== undefined && origin !== new URL(c.get("deps").config.issuerUrl).origin) return false;
  const value = getCookie(c, pageCookies(c.get("deps").config.issuerUrl).csrf);
  if (value === undefined || !CSRF_COOKIE_VALUE.test(value) || presented === undefined) return false;
  return secretsEqual(presented, await csrfToken(c, value));
}

/** A rendered page with its CSP and headers; cookies set on `c` travel with it. */
export async function htmlPage(c: PageContext, policy: PagePolicy, page: JSX.Element, status: 200 | 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 502 | 503 = 200): Promise<Response> {
  for (const [name, value] of Object.entries(HOSTED_PAGE_HEADERS)) c.header(name, value);
  c.header("Content-Security-Policy", hostedPageCsp(policy));
  c.header("Content-Type", "text/html; charset=utf-8");
  return c.body(`<!doctype html>\n${await page}\n`, status);
}

/** A 303 from a page (after a form, or onward to an app), with the page headers and CSP. */
export function pageRedirect(c: PageContext, policy: PagePolicy, location: string): Response {
  for (const [name, value] of Object.entries(HOSTED_PAGE_HEADERS)) c.header(name, value);
  c.header("Content-Security-Policy", hostedPageCsp(policy));
  return c.redirect(location, 303);
}

/** The longest authorization request query a page carries along (well above any real one). */
export const MAX_REQUEST_LENGTH = 8192;

/** Form fields as single values; a name given twice is kept as a list so the schema refuses it. */
export function singleValues(form: URLSearchParams): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const name of new Set(form.keys())) {
    const all = form.getAll(name);
    values[name] = all.length === 1 ? (all[0] ?? "") : all;
  }
  return values;
}
