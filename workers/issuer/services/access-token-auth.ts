import { revokedBeforeSeconds } from "../../../shared/domain/revocation-entries";
import { verifyAccessToken } from "../../../shared/crypto/access-token";
import { importVerificationKey } from "../../../shared/crypto/ecdsa-verification";
import { isClientToken, type AccessTokenClaims, type ClientAccessTokenClaims, type UserAccessTokenClaims } from "../../../shared/domain/access-token-claims";
import { resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { OAuthClientRecord, OAuthClientStore } from "../../../shared/ports/oauth-client-store";
import type { SessionStore } from "../../../shared/ports/session-store";
import type { TenantRecord, TenantRepository } from "../../../shared/ports/tenant-repository";
import type { UserRecord, UserRepository } from "../../../shared/ports/user-repository";
import type { SigningKeyService } from "./signing-keys";

export interface AuthenticatedToken {
  readonly claims: UserAccessTokenClaims;
  readonly tenant: TenantRecord;
  readonly user: UserRecord;
}

/** A live `client_credentials` token: its client still exists in the token's tenant. */
export interface AuthenticatedClientToken {
  readonly claims: ClientAccessTokenClaims;
  readonly tenant: TenantRecord;
  readonly client: OAuthClientRecord;
}

export interface AccessTokenAuthDeps {
  readonly signingKeys: SigningKeyService;
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly sessions: SessionStore;
  readonly oauthClients: OAuthClientStore;
  readonly issuer: string;
  readonly defaultAudience: string;
}

/** Why a token was refused; for logs and audit only, never sent to the client in detail. */
export type AccessTokenRejection = "malformed" | "bad_signature" | "expired" | "claims" | "audience" | "revoked" | "client_token";

/**
 * The issuer's own check of a user's access token (logout, me, userinfo, sessions): the
 * signature against our published keys, the claims, the tenant's audience, and the
 * revocation record in Postgres, which is authoritative here. A valid `client_credentials`
 * token is refused as `client_token`: it names no user, and these routes act for one.
 */
export async function authenticateAccessToken(deps: AccessTokenAuthDeps, token: string, now: Date): Promise<Result<AuthenticatedToken, AccessTokenRejection>> {
  const verified = await verifiedForTenant(deps, token, now);
  if (!verified.ok) return verified;
  const { claims, tenant } = verified.value;
  if (isClientToken(claims)) return err("client_token");
  return liveUserToken(deps, claims, tenant, now);
}

/** Either kind of token, each checked against its own revocation record (introspection). */
export async function authenticateAnyAccessToken(
  deps: AccessTokenAuthDeps,
  token: string,
  now: Date,
): Promise<Result<({ kind: "user" } & AuthenticatedToken) | ({ kind: "client" } & AuthenticatedClientToken), AccessTokenRejection>> {
  const verified = await verifiedForTenant(deps, token, now);
  if (!verified.ok) return verified;
  const { claims, tenant } = verified.value;
  if (isClientToken(claims)) {
    // Deleting a client is its revocation: a token of a deleted client, or of another tenant's, is dead.
    const client = await deps.oauthClients.find(claims.client_id);
    if (!client || client.tenantId !== tenant.id) return err("revoked");
    return ok({ kind: "client", claims, tenant, client });
  }
  const user = await liveUserToken(deps, claims, tenant, now);
  return user.ok ? ok({ kind: "user", ...user.value }) : user;
}

async function verifiedForTenant(deps: AccessTokenAuthDeps, token: string, now: Date): Promise<Result<{ claims: AccessTokenClaims; tenant: TenantRecord }, AccessTokenRejection>> {
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
  if (claims.exp <= Math.floor(now.getTime() / 1000)) return err("expired");
  return ok({ claims, tenant });
}

async function liveUserToken(deps: AccessTokenAuthDeps, claims: UserAccessTokenClaims, tenant: TenantRecord, now: Date): Promise<Result<AuthenticatedToken, AccessTokenRejection>> {
  const [session, user] = await Promise.all([deps.sessions.find(claims.sid), deps.users.find(claims.sub)]);
  if (!session || !user || session.userId !== user.id || session.tenantId !== tenant.id) return err("revoked");
  if (session.revokedAt !== null || user.disabled || user.deletedAt !== null) return err("revoked");
  if (user.tokensValidAfter !== null && claims.iat < revokedBeforeSeconds(user.tokensValidAfter)) return err("revoked");
  if (claims.exp <= Math.floor(now.getTime() / 1000)) return err("expired");
  return ok({ claims, tenant, user });
}
