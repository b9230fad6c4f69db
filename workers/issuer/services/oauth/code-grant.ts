import { newId } from "../../../../shared/crypto/ids";
import type { RequestContext } from "../../../../shared/domain/request-context";
import { resolveTenantSettings } from "../../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { SessionStore } from "../../../../shared/ports/session-store";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { AuditRecorder } from "../audit-recorder";
import { revokeSession, type RevokeDeps } from "../revoke";
import { mintTokenPair, newRefreshTokenWithHash } from "../session-tokens";
import type { SigningKeyService } from "../signing-keys";
import { authorizationCodeHash, type AuthorizationCodeDeps } from "./authorization-codes";
import type { OAuthClientRecord } from "./clients";
import { signIdToken } from "./id-token";
import { verifierMatches } from "./pkce";
import { oauthError, type OAuthError } from "./token-error";

export interface CodeGrantDeps extends AuthorizationCodeDeps, RevokeDeps {
  readonly tenants: TenantRepository;
  readonly sessions: SessionStore;
  readonly signingKeys: SigningKeyService;
  readonly issuer: string;
  readonly defaultAudience: string;
}

/** The token endpoint's success body (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  readonly access_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
  readonly scope: string;
  readonly id_token?: string;
  readonly refresh_token?: string;
}

export interface CodeGrantRequest {
  readonly code: string;
  readonly redirectUri: string;
  readonly codeVerifier: string;
}

const badGrant = oauthError("invalid_grant", "The authorization code is invalid, expired, already used, or was issued to another client or redirect URI.");

/**
 * RFC 6749 §4.1.3 with PKCE S256 (RFC 7636 §4.6). The code is spent first, by one conditional
 * UPDATE, so two racing redemptions cannot both pass; a second use revokes the session the first
 * opened (§4.1.2: "SHOULD revoke … all tokens previously issued based on that authorization code").
 */
export async function redeemAuthorizationCode(
  deps: CodeGrantDeps,
  audit: AuditRecorder,
  context: RequestContext,
  client: OAuthClientRecord,
  request: CodeGrantRequest,
): Promise<Result<TokenResponse, OAuthError>> {
  const now = new Date();
  const codeHash = await authorizationCodeHash(request.code);
  // Loaded before the code is spent: an outage here leaves the code usable.
  const [accessSigner, idSigner] = await Promise.all([deps.signingKeys.currentSigner(), deps.signingKeys.currentSigner({ alg: client.idTokenAlg })]);
  const spent = await deps.authorizationCodes.spend(codeHash, now);
  if (spent.outcome === "unknown") return err(badGrant);
  if (spent.outcome === "replayed") {
    if (spent.issuedSessionId !== null) await revokeSession(deps, spent.issuedSessionId, "authorization_code_replayed", now);
    audit.record("oauth.code_replayed", "blocked", { tenantId: spent.tenantId, details: { client_id: client.id, session_id: spent.issuedSessionId } });
    return err(badGrant);
  }
  const { code } = spent;
  if (code.clientId !== client.id || code.tenantId !== client.tenantId || code.redirectUri !== request.redirectUri || !(await verifierMatches(request.codeVerifier, code.codeChallenge))) {
    audit.record("auth.verify_failed", "failure", { tenantId: code.tenantId, userId: code.userId, details: { grant: "authorization_code", client_id: client.id, reason: "code_binding" } });
    return err(badGrant);
  }
  const tenant = await deps.tenants.find(code.tenantId);
  if (!tenant) return err(badGrant);
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  const scopes = new Set(code.scope.split(" "));
  const sessionId = newId("ses");
  const refresh = await newRefreshTokenWithHash();
  const opened = await deps.sessions.openForUser({
    tenantId: code.tenantId,
    userId: code.userId,
    session: {
      id: sessionId,
      refreshTokenHash: refresh.hash,
      expiresAt: new Date(now.getTime() + settings.refresh_token_ttl_seconds * 1000),
      ip: context.ip,
      userAgent: context.userAgent,
      amr: code.amr,
      authTime: code.authTime,
      clientId: client.id,
      browserSessionId: code.browserSessionId,
      scope: code.scope,
    },
  });
  if (opened.kind !== "opened") {
    audit.record("auth.verify_failed", "blocked", { tenantId: code.tenantId, userId: code.userId, details: { grant: "authorization_code", reason: opened.kind } });
    return err(badGrant);
  }
  await deps.authorizationCodes.recordIssuedSession(codeHash, sessionId);
  const { user } = opened;
  const pair = await mintTokenPair({ signer: accessSigner, issuer: deps.issuer, settings, user, sessionId, authentication: { amr: code.amr, authTime: code.authTime }, refreshToken: refresh.token, now });
  const idToken = scopes.has("openid")
    ? await signIdToken({
        issuer: deps.issuer,
        clientId: client.id,
        user,
        sessionId,
        nonce: code.nonce,
        scopes,
        authTime: code.authTime,
        amr: code.amr,
        accessToken: pair.token,
        ttlSeconds: settings.access_token_ttl_seconds,
        now,
        alg: client.idTokenAlg,
        signer: idSigner,
      })
    : undefined;
  audit.record("auth.signed_in", "success", { tenantId: code.tenantId, userId: user.id, details: { grant: "authorization_code", client_id: client.id, session_id: sessionId, amr: code.amr } });
  return ok({
    access_token: pair.token,
    token_type: "Bearer",
    expires_in: pair.expires_in,
    scope: code.scope,
    ...(idToken === undefined ? {} : { id_token: idToken }),
    // OIDC Core §11: a refresh token only when offline access was granted.
    ...(scopes.has("offline_access") ? { refresh_token: pair.refresh_token } : {}),
  });
}
