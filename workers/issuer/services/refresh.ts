import { sha256Hex } from "../../../shared/crypto/hashing";
import { openRetryCopy, sealRetryCopy } from "../../../shared/crypto/refresh-retry-copy";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { SessionStore } from "../../../shared/ports/session-store";
import type { AuditRecorder } from "./audit-recorder";
import type { SignInTenant } from "./phone-sign-in";
import { revocationListExpiry, revokeSession, type RevokeDeps } from "./revoke";
import { drainRevocationOutbox } from "./revocation-publisher";
import { mintTokenPair, newRefreshTokenWithHash, type TokenPair } from "./session-tokens";
import type { SigningKeyService } from "./signing-keys";

export interface RefreshDeps extends RevokeDeps {
  readonly sessions: SessionStore;
  readonly signingKeys: SigningKeyService;
  readonly issuer: string;
  /** Seals each successor for the reuse interval, so a retry gets that same successor. */
  readonly keyEncryptionSecret: string;
}

/** `POST /api/auth/refresh`: rotation with reuse detection, decided atomically by Postgres. */
export async function refreshSession(
  deps: RefreshDeps,
  audit: AuditRecorder,
  { tenant, settings }: SignInTenant,
  refreshToken: string,
  options: { readonly clientId?: string } = {},
): Promise<Result<TokenPair, Failure>> {
  // Loaded before the rotation: once the presented token is spent, nothing that can fail stands before the answer.
  const signer = await deps.signingKeys.currentSigner();
  const now = new Date();
  const successor = await newRefreshTokenWithHash();
  const presentedHash = await sha256Hex(refreshToken);
  const interval = settings.refresh_reuse_interval_seconds;
  const outcome = await deps.sessions.rotate({
    presentedHash,
    successorHash: successor.hash,
    successorSealed: interval > 0 ? await sealRetryCopy(deps.keyEncryptionSecret, successor.token, presentedHash) : null,
    tenantId: tenant.id,
    reuseIntervalSeconds: interval,
    now,
    sessionExpiresAt: new Date(now.getTime() + settings.refresh_token_ttl_seconds * 1000),
    listExpiresAt: revocationListExpiry(now),
  });
  switch (outcome.kind) {
    case "invalid":
      audit.record("auth.refresh_failed", "failure", { tenantId: tenant.id, details: { reason: "invalid_grant" } });
      return err({ reason: "invalid_grant" });
    case "reused":
      await drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger);
      audit.record("auth.refresh_reuse_detected", "blocked", { tenantId: tenant.id, userId: outcome.session.userId, details: { session_id: outcome.session.id } });
      return err({ reason: "invalid_grant" });
    case "rotated":
    case "retried":
      break;
  }
  if (options.clientId !== undefined && (await deps.sessions.find(outcome.session.id))?.clientId !== options.clientId) {
    // A refresh token presented by a client it was not issued to was stolen (RFC 6749 §10.4): its session ends.
    await revokeSession(deps, outcome.session.id, "refresh_token_client_mismatch", now);
    audit.record("auth.refresh_failed", "blocked", { tenantId: tenant.id, userId: outcome.session.userId, details: { reason: "client_mismatch", client_id: options.clientId } });
    return err({ reason: "invalid_grant" });
  }
  const { user } = outcome;
  if (user.disabled || user.deleted) {
    await revokeSession(deps, outcome.session.id, "user_disabled", now);
    audit.record("auth.refresh_failed", "blocked", { tenantId: tenant.id, userId: outcome.session.userId, details: { reason: "user_disabled" } });
    return err({ reason: "invalid_grant" });
  }
  const refreshTokenOut = outcome.kind === "retried" ? await openRetryCopy(deps.keyEncryptionSecret, outcome.sealedSuccessor, presentedHash) : successor.token;
  if (refreshTokenOut === null) {
    // Sealed under another KEY_ENCRYPTION_SECRET (rotated within the interval) or altered: no successor to hand back.
    deps.logger.warn("refresh_retry_copy_unreadable", { session_id: outcome.session.id });
    audit.record("auth.refresh_failed", "failure", { tenantId: tenant.id, userId: user.id, details: { reason: "invalid_grant" } });
    return err({ reason: "invalid_grant" });
  }
  const pair = await mintTokenPair({ signer, issuer: deps.issuer, settings, user, sessionId: outcome.session.id, authentication: outcome.session, refreshToken: refreshTokenOut, now });
  audit.record("auth.refreshed", "success", { tenantId: tenant.id, userId: user.id, details: { session_id: outcome.session.id, retry: outcome.kind === "retried" } });
  return ok(pair);
}
