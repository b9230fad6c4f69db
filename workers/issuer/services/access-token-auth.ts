import { revokedBeforeSeconds } from "../../../shared/domain/revocation-entries";
import { verifyAccessToken } from "../../../shared/crypto/access-token";
import { importVerificationKey } from "../../../shared/crypto/ecdsa-verification";
import type { AccessTokenClaims } from "../../../shared/domain/access-token-claims";
import { resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { SessionStore } from "../../../shared/ports/session-store";
import type { TenantRecord, TenantRepository } from "../../../shared/ports/tenant-repository";
import type { UserRecord, UserRepository } from "../../../shared/ports/user-repository";
import type { SigningKeyService } from "./signing-keys";

export interface AuthenticatedToken {
  readonly claims: AccessTokenClaims;
  readonly tenant: TenantRecord;
  readonly user: UserRecord;
}

export interface AccessTokenAuthDeps {
  readonly signingKeys: SigningKeyService;
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly sessions: SessionStore;
  readonly issuer: string;
  readonly defaultAudience: string;
}

/** Why a token was refused; for logs and audit only, never sent to the client in detail. */
export type AccessTokenRejection = "malformed" | "bad_signature" | "expired" | "claims" | "audience" | "revoked";

/**
 * The issuer's own check of an access token (logout, me, introspection): the
 * signature against our published keys, the claims, the tenant's audience, and
 * the revocation record in Postgres, which is authoritative here.
 */
export async function authenticateAccessToken(deps: AccessTokenAuthDeps, token: string, now: Date): Promise<Result<AuthenticatedToken, AccessTokenRejection>> {
  const keys = await deps.signingKeys.publishedKeys();
  const verified = await verifyAccessToken(
    token,
    (kid, alg) => {
      const key = keys.find((candidate) => candidate.kid === kid);
      return key ? importVerificationKey(key.publicJwk, alg) : Promise.resolve(null);
    },
    deps.issuer,
    Math.floor(now.getTime() / 1000),
  );
  if (!verified.ok) return err(verified.error);
  const claims = verified.value;
  const tenant = await deps.tenants.find(claims.tid);
  if (!tenant) return err("claims");
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  if (claims.aud !== settings.audience) return err("audience");
  const [session, user] = await Promise.all([deps.sessions.find(claims.sid), deps.users.find(claims.sub)]);
  if (!session || !user || session.userId !== user.id || session.tenantId !== tenant.id) return err("revoked");
  if (session.revokedAt !== null || user.disabled || user.deletedAt !== null) return err("revoked");
  if (user.tokensValidAfter !== null && claims.iat < revokedBeforeSeconds(user.tokensValidAfter)) return err("revoked");
  if (claims.exp <= Math.floor(now.getTime() / 1000)) return err("expired");
  return ok({ claims, tenant, user });
}
