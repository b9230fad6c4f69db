import type { Hono } from "hono";
import { z } from "zod";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { ConsentPage } from "../pages/consent-page";
import { MessagePage } from "../pages/message-page";
import { logoOrigin, newNonce, type PagePolicy } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { currentBrowserSession } from "../services/browser-session";
import { authorizationResponse, checkAuthorizationRequest, type AuthorizationRequest } from "../services/oauth/authorization-request";
import { browserSignInServes, codeForBrowser } from "../services/oauth/browser-grant";
import { denyConsent, grantConsent } from "../services/oauth/consent";
import { settingsOf } from "./auth-context";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, sessionCookie, singleValues, type PageContext } from "./hosted-page";

export const consentForm = z.strictObject({
  csrf: z.string().max(128),
  request: z.string().min(1).max(MAX_REQUEST_LENGTH),
  step: z.literal("consent"),
  decision: z.enum(["allow", "deny"]),
});

/**
 * `GET /consent?request=<the authorize query>` and its form: a client that is not first-party
 * gets a code only after the signed-in user allows the scopes it asked for. The request is
 * checked again on every step, so a tampered one names nothing; the browser session says who
 * the user is, so a forged form cannot consent for someone else (and CSRF stops a forged post).
 */
export function consentPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/consent", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const raw = c.req.query("request");
      const request = raw === undefined ? null : await pendingRequest(c, raw);
      if (raw === undefined || request === null) return errorPage(c, strings, strings.missingTenant, 400);
      const browser = await currentBrowserSession(c.get("deps"), sessionCookie(c), new Date());
      if (!browserSignInServes(request, browser, new Date())) return pageRedirect(c, policy(request, newNonce()), `/login?request=${encodeURIComponent(raw)}`);
      // A first-party client never asks: authorize answers it at once.
      if (request.client.firstParty) return pageRedirect(c, policy(request, newNonce()), `/oauth2/authorize?${raw}`);
      return consentPage(c, strings, request, raw);
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], body.error.reason === "payload_too_large" ? 413 : body.error.reason === "unsupported_media_type" ? 415 : 400);
      const parsed = consentForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      // Before anything else: a forged form grants nothing and learns nothing.
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const request = await pendingRequest(c, form.request);
      if (request === null) return errorPage(c, strings, strings.missingTenant, 400);
      const deps = c.get("deps");
      const now = new Date();
      const browser = await currentBrowserSession(deps, sessionCookie(c), now);
      if (!browserSignInServes(request, browser, now)) return pageRedirect(c, policy(request, newNonce()), `/login?request=${encodeURIComponent(form.request)}`);
      const answer = (parameters: Record<string, string>) => pageRedirect(c, policy(request, newNonce()), authorizationResponse(request.redirectUri, deps.config.issuerUrl, request.state, parameters));
      if (form.decision === "deny") {
        denyConsent(c.get("audit"), request, browser.userId);
        return answer({ error: "access_denied", error_description: "The user did not allow this client." });
      }
      if (!request.client.firstParty) await grantConsent(deps, c.get("audit"), request, browser.userId, now);
      return answer({ code: await codeForBrowser(deps, request, browser, now) });
    },
  });
}

/** A request the consent page can serve: valid, and not `prompt=none` (which never shows a page). */
async function pendingRequest(c: PageContext, raw: string): Promise<AuthorizationRequest | null> {
  if (raw.length > MAX_REQUEST_LENGTH) return null;
  const check = await checkAuthorizationRequest(c.get("deps"), new URLSearchParams(raw));
  if (check.kind !== "valid" || check.request.prompt.has("none")) return null;
  return check.request;
}

/** The consent form's answer redirects to the app: form-action must allow its origin. */
function policy(request: AuthorizationRequest | null, nonce: string): PagePolicy {
  return { nonce, logoOrigin: null, formTargets: request === null ? [] : [new URL(request.redirectUri).origin] };
}

async function consentPage(c: PageContext, strings: Strings, request: AuthorizationRequest, raw: string): Promise<Response> {
  const deps = c.get("deps");
  const tenant = await deps.tenants.find(request.client.tenantId);
  if (tenant === null) return errorPage(c, strings, strings.missingTenant, 400);
  const settings = settingsOf(tenant, deps);
  const nonce = newNonce();
  const csrf = await csrfTokenFor(c);
  return htmlPage(
    c,
    { ...policy(request, nonce), logoOrigin: logoOrigin(settings.branding.logo_url) },
    <ConsentPage strings={stringsFor(request.uiLocales ?? c.req.query("ui_locales"))} settings={settings} nonce={nonce} csrf={csrf} clientName={request.client.name} request={raw} scopes={request.scope.split(" ")} />,
  );
}

function errorPage(c: PageContext, strings: Strings, message: string, status: 400 | 403 | 413 | 415): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, policy(null, nonce), <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={null} nonce={nonce} />, status);
}
