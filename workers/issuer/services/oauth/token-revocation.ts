import { sha256Hex } from "../../../../shared/crypto/hashing";
import type { SessionStore } from "../../../../shared/ports/session-store";
import { authenticateAccessToken, type AccessTokenAuthDeps } from "../access-token-auth";
import type { AuditRecorder } from "../audit-recorder";
import { revokeSession, type RevokeDeps } from "../revoke";
import type { OAuthClientRecord } from "./clients";

export interface TokenRevocationDeps extends RevokeDeps, AccessTokenAuthDeps {
  readonly sessions: SessionStore;
}

/**
 * RFC 7009 §2.1: a refresh token or an access token of a session issued to this client ends
 * that session (and so every token of it, at the gate too). Unknown tokens, tokens of other
 * clients and tokens already revoked change nothing, and the caller answers 200 in every case
 * (§2.2), so the endpoint tells nobody whether a token exists.
 */
export async function revokeClientToken(deps: TokenRevocationDeps, audit: AuditRecorder, client: OAuthClientRecord, token: string, hint: string | null): Promise<void> {
  const now = new Date();
  // §2.1: the hint only orders the lookups.
  const lookups = hint === "access_token" ? [byAccessToken, byRefreshToken] : [byRefreshToken, byAccessToken];
  for (const lookup of lookups) {
    const sessionId = await lookup(deps, client, token, now);
    if (sessionId === null) continue;
    const revoked = await revokeSession(deps, sessionId, "oauth_revocation", now);
    if (revoked) audit.record("auth.session_revoked", "success", { tenantId: client.tenantId, details: { client_id: client.id, session_id: sessionId, via: "oauth2_revoke" } });
    return;
  }
}

async function byRefreshToken(deps: TokenRevocationDeps, client: OAuthClientRecord, token: string): Promise<string | null> {
  if (token.length > 512) return null;
  const session = await deps.sessions.findByRefreshHash(await sha256Hex(token));
  return session && session.clientId === client.id && session.tenantId === client.tenantId ? session.id : null;
}

async function byAccessToken(deps: TokenRevocationDeps, client: OAuthClientRecord, token: string, now: Date): Promise<string | null> {
  const authenticated = await authenticateAccessToken(deps, token, now);
  if (!authenticated.ok) return null;
  const session = await deps.sessions.find(authenticated.value.claims.sid);
  return session && session.clientId === client.id && session.tenantId === client.tenantId ? session.id : null;
}
