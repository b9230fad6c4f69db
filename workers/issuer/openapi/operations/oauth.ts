import { z } from "zod";
import type { Operation } from "../operation";
import { htmlAnswers, PAGE_GET_STATUSES, PAGE_POST_STATUSES } from "./html-answers";

/**
 * The OAuth endpoints read their parameters field by field, as RFC 6749 and OpenID Connect define
 * them (empty counts as absent, none may repeat), so these schemas describe those rules rather
 * than being the routes' validators.
 */
const authorizeQuery = z.object({
  response_type: z.literal("code"),
  client_id: z.string(),
  redirect_uri: z.string().meta({ description: "Exactly one of the client's registered redirect URIs." }),
  code_challenge: z.string().meta({ description: "PKCE (RFC 7636), required of every client." }),
  code_challenge_method: z.literal("S256"),
  scope: z.string().optional().meta({ description: "Space-separated: `openid`, `profile`, `email`, `phone`, `offline_access`." }),
  state: z.string().optional(),
  nonce: z.string().optional(),
  prompt: z.enum(["none", "login", "consent"]).optional(),
  max_age: z.string().regex(/^[0-9]+$/).optional(),
  login_hint: z.string().optional(),
  ui_locales: z.string().optional(),
  connection: z.string().optional().meta({ description: "A connection id (`con_…`): go straight to that identity provider." }),
});

const tokenForm = z.object({
  grant_type: z.enum(["authorization_code", "refresh_token", "client_credentials"]),
  code: z.string().optional(),
  redirect_uri: z.string().optional(),
  code_verifier: z.string().optional(),
  refresh_token: z.string().optional(),
  scope: z.string().optional(),
  client_id: z.string().optional().meta({ description: "For `client_secret_post` and public clients; otherwise HTTP Basic." }),
  client_secret: z.string().optional(),
});

const revokeForm = z.object({
  token: z.string(),
  token_type_hint: z.enum(["access_token", "refresh_token"]).optional(),
  client_id: z.string().optional(),
  client_secret: z.string().optional(),
});

const logoutQuery = z.object({
  id_token_hint: z.string().optional(),
  client_id: z.string().optional(),
  post_logout_redirect_uri: z.string().optional().meta({ description: "One of the client's registered post-logout redirect URIs." }),
  state: z.string().optional(),
  ui_locales: z.string().optional(),
});

const tokenAnswer = z.object({
  access_token: z.string(),
  token_type: z.literal("Bearer"),
  expires_in: z.number().int(),
  scope: z.string().optional(),
  id_token: z.string().optional(),
  refresh_token: z.string().optional(),
});

const TOKEN_ERRORS = { 400: ["invalid_request", "invalid_grant", "unauthorized_client", "unsupported_grant_type", "invalid_scope"], 401: ["invalid_client"] };

export const oauthOperations: readonly Operation[] = [
  {
    method: "get",
    path: "/oauth2/authorize",
    tag: "oauth",
    summary: "Start a browser sign-in (authorization code flow with PKCE)",
    description:
      "With a live browser session the code comes back at once (single sign-on); otherwise the browser goes to the hosted login page and returns here. The answer to the client carries `iss` (RFC 9207). An unknown client or an unregistered redirect URI shows an error page, never a redirect.",
    security: [],
    query: authorizeQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "get",
    path: "/oauth2/callback/{id}",
    tag: "oauth",
    summary: "Where a social or enterprise provider sends the browser back",
    description: "Registered at the provider as the connection's `callback_url`. Checks `state`, PKCE and (OIDC) the id_token, then signs the user in, or links the identity.",
    security: [],
    pathParameters: { id: "The connection's id (`con_…`)." },
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
  {
    method: "post",
    path: "/oauth2/callback/{id}",
    tag: "oauth",
    summary: "Where a provider posts the browser back (Apple's form_post)",
    security: [],
    pathParameters: { id: "The connection's id (`con_…`)." },
    answers: htmlAnswers(...PAGE_POST_STATUSES),
  },
  {
    method: "post",
    path: "/oauth2/token",
    tag: "oauth",
    summary: "Redeem a code, refresh, or get a client's own token (RFC 6749)",
    description:
      "Codes live 60 s and work once (a second use revokes what the first issued); refresh tokens rotate with reuse detection; `client_credentials` is for confidential clients and gives a token whose `sub` is the client.",
    security: ["clientSecretBasic"],
    form: tokenForm,
    bodyExample: "grant_type=authorization_code&code=…&redirect_uri=https%3A%2F%2Fapp.example%2Fcallback&code_verifier=…",
    answers: { 200: { description: "The tokens.", json: tokenAnswer } },
    oauthErrors: TOKEN_ERRORS,
    // A database or Redis outage is the issuer's, not the client's: the contract's 503, not an OAuth error.
    errors: ["service_unavailable"],
  },
  {
    method: "get",
    path: "/oauth2/userinfo",
    tag: "oauth",
    summary: "Claims about the signed-in user (OpenID Connect)",
    description: "By the access token's scopes: `sub` always; `email`, `email_verified`, `phone_number`, `phone_number_verified`, `name` as granted.",
    security: ["accessToken"],
    answers: { 200: { description: "The claims.", json: z.looseObject({ sub: z.string() }) } },
    errors: ["service_unavailable"],
  },
  {
    method: "post",
    path: "/oauth2/userinfo",
    tag: "oauth",
    summary: "Claims about the signed-in user (OpenID Connect), by POST",
    security: ["accessToken"],
    answers: { 200: { description: "The claims.", json: z.looseObject({ sub: z.string() }) } },
    errors: ["service_unavailable"],
  },
  {
    method: "post",
    path: "/oauth2/revoke",
    tag: "oauth",
    summary: "Revoke a token (RFC 7009)",
    description: "`200` whatever the token was, so nothing is learned from the answer; a revoked refresh token ends its session.",
    security: ["clientSecretBasic"],
    form: revokeForm,
    answers: { 200: { description: "Done (or there was nothing to revoke)." } },
    oauthErrors: { 400: ["invalid_request", "unsupported_token_type"], 401: ["invalid_client"] },
    // A database or Redis outage is the issuer's, not the client's: the contract's 503, not an OAuth error.
    errors: ["service_unavailable"],
  },
  {
    method: "get",
    path: "/oauth2/logout",
    tag: "oauth",
    summary: "Sign out of the issuer (RP-Initiated Logout)",
    description: "Ends the browser session and revokes its sessions, then returns to a registered `post_logout_redirect_uri` (with `state`) or shows a signed-out page.",
    security: [],
    query: logoutQuery,
    answers: htmlAnswers(...PAGE_GET_STATUSES),
  },
];
