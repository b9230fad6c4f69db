import type { Context, Hono } from "hono";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { bearerToken } from "../../../shared/http/respond";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { authenticateClient } from "../services/oauth/client-authentication";
import type { OAuthClientRecord } from "../../../shared/ports/oauth-client-store";
import { err, ok, type Result } from "../../../shared/errors/result";
import { issueClientToken, type ClientTokenResponse } from "../services/oauth/client-credentials-grant";
import { redeemAuthorizationCode, type TokenResponse } from "../services/oauth/code-grant";
import { refreshForClient } from "../services/oauth/refresh-grant";
import { revokeClientToken } from "../services/oauth/token-revocation";
import { userinfo } from "../services/oauth/userinfo";
import { oauthError, type OAuthError } from "../services/oauth/token-error";

/** RFC 6749 §5.1: token responses are never cached. */
const NO_STORE = { "Cache-Control": "no-store", Pragma: "no-cache" } as const;

/** `POST /oauth2/token` (RFC 6749 §3.2), answering in its own error shape (§5.2), not part 1's. */
export function oauthTokenRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/oauth2/token", {
    POST: async (c) => {
      const request = await authenticatedClientRequest(c);
      if (!request.ok) return oauthFailure(c, request.error);
      const { client, field } = request.value;
      const deps = c.get("deps");
      const grantType = field("grant_type");
      switch (grantType) {
        case "authorization_code": {
          const code = field("code");
          const redirectUri = field("redirect_uri");
          const codeVerifier = field("code_verifier");
          if (code === null) return oauthFailure(c, oauthError("invalid_request", "code is required."));
          if (redirectUri === null) return oauthFailure(c, oauthError("invalid_request", "redirect_uri is required and must be the one of the authorization request."));
          // PKCE is required of every client (RFC 9700 §2.1.1), public or confidential.
          if (codeVerifier === null) return oauthFailure(c, oauthError("invalid_request", "code_verifier is required (PKCE S256)."));
          const grant = await redeemAuthorizationCode(
            { ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience },
            c.get("audit"),
            c.get("context"),
            client,
            { code, redirectUri, codeVerifier },
          );
          return grant.ok ? tokenSuccess(c, grant.value) : oauthFailure(c, grant.error);
        }
        case "refresh_token": {
          const refreshToken = field("refresh_token");
          if (refreshToken === null || refreshToken.length > 512) return oauthFailure(c, oauthError("invalid_request", "refresh_token is required."));
          const refreshed = await refreshForClient(
            { ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience, keyEncryptionSecret: deps.config.keyEncryptionSecret },
            c.get("audit"),
            client,
            refreshToken,
          );
          return refreshed.ok ? tokenSuccess(c, refreshed.value) : oauthFailure(c, refreshed.error);
        }
        case "client_credentials": {
          const issued = await issueClientToken({ ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience }, c.get("audit"), client, field("scope"), new Date());
          return issued.ok ? tokenSuccess(c, issued.value) : oauthFailure(c, issued.error);
        }
        case null:
          return oauthFailure(c, oauthError("invalid_request", "grant_type is required."));
        default:
          return oauthFailure(c, oauthError("unsupported_grant_type", "grant_type must be authorization_code, refresh_token or client_credentials."));
      }
    },
  });
}

/** `POST /oauth2/revoke` (RFC 7009): client authentication as at the token endpoint, then 200 whatever the token was. */
export function oauthRevocationRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/oauth2/revoke", {
    POST: async (c) => {
      const request = await authenticatedClientRequest(c);
      if (!request.ok) return oauthFailure(c, request.error);
      const { client, field } = request.value;
      const deps = c.get("deps");
      const token = field("token");
      if (token === null) return oauthFailure(c, oauthError("invalid_request", "token is required."));
      await revokeClientToken({ ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience }, c.get("audit"), client, token, field("token_type_hint"));
      return c.body(null, 200, NO_STORE);
    },
  });
}

/** `GET|POST /oauth2/userinfo` (OIDC Core §5.3): a Bearer access token in the Authorization header only (RFC 6750 §2.1). */
export function oauthUserinfoRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  const handler = async (c: Context<AppEnv<IssuerBindings>>) => {
    const token = bearerToken(c);
    if (token === null) return failureToResponse({ reason: "authentication_required" });
    const deps = c.get("deps");
    const claims = await userinfo({ ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience }, token, new Date());
    if (!claims.ok) return failureToResponse(claims.error);
    return c.json(claims.value, 200, NO_STORE);
  };
  resource(app, "/oauth2/userinfo", { GET: handler, POST: handler });
}

interface ClientRequest {
  readonly client: OAuthClientRecord;
  /** A form parameter's value; one sent empty counts as absent (RFC 6749 §3.2). */
  readonly field: (name: string) => string | null;
}

/** The token and revocation endpoints' common start: a form body with no repeated parameter, from an authenticated client. */
async function authenticatedClientRequest(c: Context<AppEnv<IssuerBindings>>): Promise<Result<ClientRequest, OAuthError>> {
  const form = await readFormBody(c);
  if (!form.ok) return err(oauthError("invalid_request", "The body must be application/x-www-form-urlencoded, at most 16 KiB of UTF-8."));
  const params = form.value;
  // §3.2: parameters sent without a value are omitted; none may repeat.
  const repeated = [...new Set(params.keys())].find((name) => params.getAll(name).length > 1);
  if (repeated !== undefined) return err(oauthError("invalid_request", `${repeated} must not be repeated.`));
  const field = (name: string): string | null => {
    const value = params.get(name);
    return value === null || value === "" ? null : value;
  };
  const client = await authenticateClient(c.get("deps"), { authorization: c.req.header("Authorization"), formClientId: field("client_id"), formClientSecret: field("client_secret") });
  return client.ok ? ok({ client: client.value, field }) : client;
}

function tokenSuccess(c: Context, body: TokenResponse | Omit<TokenResponse, "scope"> | ClientTokenResponse): Response {
  return c.json(body, 200, NO_STORE);
}

/** §5.2: 400, or 401 with a Basic challenge for `invalid_client` after HTTP Basic authentication. */
export function oauthFailure(c: Context, error: OAuthError): Response {
  const unauthorized = error.error === "invalid_client";
  const headers: Record<string, string> = { ...NO_STORE };
  if (unauthorized && error.basicChallenge) headers["WWW-Authenticate"] = 'Basic realm="portcullis", charset="UTF-8"';
  return c.json({ error: error.error, error_description: error.description }, unauthorized ? 401 : 400, headers);
}
