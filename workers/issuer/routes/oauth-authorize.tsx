import type { Hono } from "hono";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";
import { MessagePage } from "../pages/message-page";
import { newNonce } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import { currentBrowserSession, endBrowserSession } from "../services/browser-session";
import { browserSignInServes, codeForBrowser } from "../services/oauth/browser-grant";
import { consentNeeded } from "../services/oauth/consent";
import { authorizationResponse, checkAuthorizationRequest, looksLikeClientId } from "../services/oauth/authorization-request";
import { findClient } from "../services/oauth/clients";
import { verifyIdTokenHint } from "../services/oauth/id-token-hint";
import { beginUpstream, startableConnection } from "./federation";
import { pageTenant } from "./login-page";
import { clearSessionCookie, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, sessionCookie, type PageContext } from "./hosted-page";

const NO_FORMS = { logoOrigin: null, formTargets: [] } as const;

/**
 * `GET /oauth2/authorize` (RFC 6749 §4.1, PKCE S256 only, RFC 9207 `iss`) and
 * `GET /oauth2/logout` (OpenID Connect RP-Initiated Logout 1.0).
 */
export function oauthAuthorizeRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/oauth2/authorize", {
    GET: async (c) => {
      const deps = c.get("deps");
      const issuer = deps.config.issuerUrl;
      const raw = new URL(c.req.url).search.slice(1);
      const strings = stringsFor(c.req.query("ui_locales"));
      if (raw.length > MAX_REQUEST_LENGTH) return errorPage(c, strings.errors.payload_too_large);
      const check = await checkAuthorizationRequest(deps, new URLSearchParams(raw));
      switch (check.kind) {
        case "error_page":
          return errorPage(c, check.reason === "unknown_client" ? strings.unknownClient : strings.unregisteredRedirect);
        case "redirect_error":
          return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, authorizationResponse(check.redirectUri, issuer, check.state, { error: check.error, error_description: check.description }));
        case "valid":
          break;
      }
      const { request } = check;
      const now = new Date();
      const respondWith = (parameters: Record<string, string>) => pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, authorizationResponse(request.redirectUri, issuer, request.state, parameters));
      const browser = await currentBrowserSession(deps, sessionCookie(c), now);
      if (!browserSignInServes(request, browser, now)) {
        if (request.prompt.has("none")) return respondWith({ error: "login_required", error_description: "The user is not signed in." });
        const connectionId = new URLSearchParams(raw).get("connection");
        if (connectionId !== null) return straightToConnection(c, raw, connectionId);
        return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, `/login?request=${encodeURIComponent(raw)}`);
      }
      // Clients that are not first-party get nothing the user has not allowed (the consent page records it).
      if (await consentNeeded(deps, request, browser.userId)) {
        if (request.prompt.has("none")) return respondWith({ error: "consent_required", error_description: "The user has not consented to this client." });
        return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, `/consent?request=${encodeURIComponent(raw)}`);
      }
      const code = await codeForBrowser(deps, request, browser, now);
      return respondWith({ code });
    },
  });

  resource(app, "/oauth2/logout", {
    GET: async (c) => {
      const deps = c.get("deps");
      const strings = stringsFor(c.req.query("ui_locales"));
      const query = new URL(c.req.url).searchParams;
      const postLogout = query.get("post_logout_redirect_uri");
      const hintText = query.get("id_token_hint");
      let hintedClient: string | null = null;
      if (hintText !== null) {
        // A hint we did not sign, or one for another client than client_id names, ends nothing (§2).
        const hint = await verifyIdTokenHint({ signingKeys: deps.signingKeys, issuer: deps.config.issuerUrl }, hintText);
        if (!hint.ok) return errorPage(c, strings.invalidLogoutHint);
        hintedClient = hint.value.clientId;
      }
      const namedClient = query.get("client_id");
      if (namedClient !== null && hintedClient !== null && namedClient !== hintedClient) return errorPage(c, strings.invalidLogoutHint);
      const clientId = namedClient ?? hintedClient;
      let location: string | null = null;
      if (postLogout !== null) {
        // Only a URI registered for the named client, matched exactly; else nothing is redirected anywhere.
        const client = clientId === null || !looksLikeClientId(clientId) ? null : await findClient(deps, clientId);
        if (client === null || !client.postLogoutRedirectUris.includes(postLogout)) return errorPage(c, strings.unregisteredRedirect);
        const url = new URL(postLogout);
        const state = query.get("state");
        if (state !== null) url.searchParams.set("state", state);
        location = url.toString();
      }
      await endBrowserSession(deps, c.get("audit"), sessionCookie(c), new Date());
      clearSessionCookie(c);
      if (location !== null) return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, location);
      const nonce = newNonce();
      return htmlPage(c, { nonce, ...NO_FORMS }, <MessagePage title={strings.signedOutTitle} message={strings.signedOut} strings={strings} settings={null} nonce={nonce} />);
    },
  });
}

/** `connection=<id>`: the button of that connection, pressed for the user (RFC 6749 lets a request carry extensions). */
async function straightToConnection(c: PageContext, raw: string, connectionId: string): Promise<Response> {
  const strings = stringsFor(c.req.query("ui_locales"));
  const tenant = await pageTenant(c, raw, undefined);
  if (tenant === null) return errorPage(c, strings.missingTenant);
  const connection = await startableConnection(c.get("deps"), tenant, connectionId);
  if (connection === "unavailable") return errorPage(c, strings.federation.connectionUnavailable);
  if (connection === "disabled") return errorPage(c, strings.federation.methodDisabled, 403);
  return beginUpstream(c, strings, connection, { purpose: "sign_in", userId: null, returnTo: tenant.ref });
}

function errorPage(c: PageContext, message: string, status: 400 | 403 = 400): Promise<Response> {
  const nonce = newNonce();
  const strings = stringsFor(c.req.query("ui_locales"));
  return htmlPage(c, { nonce, ...NO_FORMS }, <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={null} nonce={nonce} />, status);
}
