import { getCookie, setCookie } from "hono/cookie";
import type { JSX } from "hono/jsx/jsx-runtime";
import type { z } from "zod";
import { isId, type IdPrefix } from "../../../../shared/crypto/ids";
import type { Failure } from "../../../../shared/errors/failure";
import { failureResponse } from "../../../../shared/errors/failure-response";
import { err, ok, type Result } from "../../../../shared/errors/result";
import { readFormBody } from "../../../../shared/http/form-body";
import type { IssuerDeps } from "../../deps";
import { consoleCookie } from "../../pages/console/console-cookie";
import type { SignedInView } from "../../pages/console/console-layout";
import { ConsoleMessagePage } from "../../pages/console/console-message-page";
import { CONSOLE, failureMessage } from "../../pages/console/console-strings";
import { newNonce, type PagePolicy } from "../../pages/page-security";
import { currentConsoleSession, type ConsoleSession } from "../../services/console/console-session";
import type { ConsoleSignInDeps } from "../../services/console/console-sign-in";
import { csrfAccepted, csrfTokenFor, htmlPage, pageRedirect, singleValues, type PageContext } from "../hosted-page";

export const CONSOLE_LOGIN_PATH = "/console/login";

/** The signed-in operator of a request: the session, and what every page's header shows of it. */
export interface Operator {
  readonly session: ConsoleSession;
  readonly signedIn: SignedInView;
}

type PageStatus = Parameters<typeof htmlPage>[3] & number;
const PAGE_STATUSES: readonly PageStatus[] = [200, 400, 401, 403, 404, 409, 413, 415, 429, 503];

/** The status a page can answer a failure with; anything else (405, 422, 502) is a plain 400 page. */
export function pageStatus(failure: Failure): PageStatus {
  const { status } = failureResponse(failure);
  return PAGE_STATUSES.find((candidate) => candidate === status) ?? 400;
}

export function consoleSessionDeps(deps: IssuerDeps): ConsoleSignInDeps {
  return { consoleSessions: deps.consoleSessions, rateLimiter: deps.rateLimiter, adminToken: deps.config.adminToken, hashSecret: deps.config.otpHashSecret };
}

/** The hosted pages' CSP and headers, with nothing loadable but the page's own nonced stylesheet: no logo, no script, forms only to the issuer. */
function consolePolicy(nonce: string): PagePolicy {
  return { nonce, logoOrigin: null, formTargets: [] };
}

/** A console page with its CSP and security headers; `page` gets the response's nonce. */
export function consolePage(c: PageContext, page: (nonce: string) => JSX.Element, status: PageStatus = 200): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, consolePolicy(nonce), page(nonce), status);
}

/** A 303 with the same headers: after a form, or to the sign-in page. */
export function consoleRedirect(c: PageContext, location: string): Response {
  return pageRedirect(c, consolePolicy(newNonce()), location);
}

/**
 * SameSite=Strict: the cookie never rides on a request another site starts, not even a link
 * followed from elsewhere, so no cross-site form or navigation acts as the operator. The
 * cookie's Max-Age is the absolute limit; the idle limit is kept by the server.
 */
export function setConsoleCookie(c: PageContext, value: string, maxAgeSeconds: number): void {
  const cookie = consoleCookie(c.get("deps").config.issuerUrl);
  setCookie(c, cookie.name, value, { path: "/", httpOnly: true, secure: cookie.secure, sameSite: "Strict", maxAge: maxAgeSeconds });
}

export function clearConsoleCookie(c: PageContext): void {
  setConsoleCookie(c, "", 0);
}

/** The request's live console session, or null. Once found, every audit event of the request names it. */
export async function operatorOf(c: PageContext): Promise<Operator | null> {
  const deps = c.get("deps");
  const session = await currentConsoleSession(consoleSessionDeps(deps), getCookie(c, consoleCookie(deps.config.issuerUrl).name), new Date());
  if (session === null) return null;
  c.get("audit").actingAs({ console_session: session.id });
  return { session, signedIn: { csrf: await csrfTokenFor(c), expiresAt: session.expiresAt } };
}

/** A page that only says something: a refusal, or a session that has ended. */
export function messagePage(c: PageContext, status: PageStatus, title: string, message: string, signedIn: SignedInView | null, link?: { readonly href: string; readonly label: string }): Promise<Response> {
  return consolePage(c, (nonce) => <ConsoleMessagePage title={title} message={message} nonce={nonce} signedIn={signedIn} link={link} />, status);
}

export function failurePage(c: PageContext, failure: Failure, signedIn: SignedInView | null): Promise<Response> {
  const title = failure.reason === "not_found" ? CONSOLE.notFound.title : CONSOLE.badRequest.title;
  const message = failure.reason === "not_found" ? CONSOLE.notFound.message : failureMessage(failure);
  return messagePage(c, pageStatus(failure), title, message, signedIn);
}

function sessionEndedPage(c: PageContext): Promise<Response> {
  return messagePage(c, 401, CONSOLE.sessionEnded.title, CONSOLE.sessionEnded.message, null, { href: CONSOLE_LOGIN_PATH, label: CONSOLE.sessionEnded.again });
}

type Handler = (c: PageContext) => Promise<Response>;

/** A GET page behind the session: signed out (or never signed in), the browser is sent to sign in. */
export function signedInPage(handler: (c: PageContext, operator: Operator) => Promise<Response>): Handler {
  return async (c) => {
    const operator = await operatorOf(c);
    if (operator === null) return consoleRedirect(c, CONSOLE_LOGIN_PATH);
    return handler(c, operator);
  };
}

/**
 * A form post behind the session. The form is read and its CSRF token checked before the
 * session is even looked at, so a forged form changes nothing and learns nothing; a post
 * without a live session is refused with a page that says so (a redirect would lose it silently).
 */
export function signedInAction<S extends z.ZodType<{ readonly csrf: string }>>(schema: S, handler: (c: PageContext, operator: Operator, form: z.infer<S>) => Promise<Response>): Handler {
  return async (c) => {
    const form = await consoleForm(c, schema);
    if (!form.ok) return form.error;
    const operator = await operatorOf(c);
    if (operator === null) return sessionEndedPage(c);
    return handler(c, operator, form.value);
  };
}

/** A console form: read (size, media type, UTF-8), checked against its schema, and its CSRF token verified. */
export async function consoleForm<S extends z.ZodType<{ readonly csrf: string }>>(c: PageContext, schema: S): Promise<Result<z.infer<S>, Response>> {
  const body = await readFormBody(c);
  if (!body.ok) return err(await failurePage(c, body.error, null));
  const parsed = schema.safeParse(singleValues(body.value));
  if (!parsed.success) return err(await failurePage(c, { reason: "invalid_request", field: "body", message: CONSOLE.errors.invalid_request }, null));
  if (!(await csrfAccepted(c, parsed.data.csrf))) return err(await messagePage(c, 403, CONSOLE.badRequest.title, CONSOLE.csrfRefused, null));
  return ok(parsed.data);
}

/** A page's query, checked against its schema (unknown and repeated names are refused). */
export function queryOf<S extends z.ZodType<Record<string, unknown>>>(c: PageContext, schema: S): Result<z.infer<S>, Failure> {
  const parsed = schema.safeParse(singleValues(new URL(c.req.url).searchParams));
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  const field = typeof issue?.path[0] === "string" ? issue.path[0] : "query";
  return err({ reason: "invalid_request", field, message: issue?.message ?? CONSOLE.errors.invalid_request });
}

/** A path id of the right kind, or null (a malformed id is simply not found). */
export function pathId(prefix: IdPrefix, value: string | undefined): string | null {
  return value !== undefined && isId(prefix, value) ? value : null;
}
