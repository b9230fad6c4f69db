import type { BrowserSessionRecord } from "../../../../shared/ports/browser-session-store";
import { issueAuthorizationCode, type AuthorizationCodeDeps } from "./authorization-codes";
import { signInFreshEnough, type AuthorizationRequest } from "./authorization-request";

/**
 * Whether the browser's sign-in can answer the request without a form: same tenant as the
 * client, no `prompt=login`, and young enough for `max_age`.
 */
export function browserSignInServes(request: AuthorizationRequest, browser: BrowserSessionRecord | null, now: Date): browser is BrowserSessionRecord {
  return browser !== null && browser.tenantId === request.client.tenantId && !request.prompt.has("login") && signInFreshEnough(request, browser.authTime, now);
}

/** The authorization code for a request the browser's sign-in answers (single sign-on or a just-given consent). */
export function codeForBrowser(deps: AuthorizationCodeDeps, request: AuthorizationRequest, browser: BrowserSessionRecord, now: Date): Promise<string> {
  return issueAuthorizationCode(
    deps,
    {
      tenantId: request.client.tenantId,
      clientId: request.client.id,
      userId: browser.userId,
      browserSessionId: browser.idHash,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      nonce: request.nonce,
      scope: request.scope,
      authTime: browser.authTime,
      amr: browser.amr,
    },
    now,
  );
}
