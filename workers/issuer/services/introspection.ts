import type { AccessTokenClaims } from "../../../shared/domain/access-token-claims";
import { authenticateAccessToken, type AccessTokenAuthDeps } from "./access-token-auth";

export type IntrospectionResponse = ({ active: true } & Omit<AccessTokenClaims, "roles" | "tid" | "sid"> & { tid: string; sid: string; roles: readonly string[] }) | { active: false };

/**
 * RFC 7662: anything not live for this tenant (malformed, expired, revoked, or
 * another tenant's, or a disabled user's) is just `{active: false}`, with no reason
 * given. Roles are the user's as they are now, read with the revocation check, not
 * the ones the token was minted with.
 */
export async function introspect(deps: AccessTokenAuthDeps, tenantId: string, token: string): Promise<IntrospectionResponse> {
  const auth = await authenticateAccessToken(deps, token, new Date());
  if (!auth.ok || auth.value.claims.tid !== tenantId) return { active: false };
  const { claims, user } = auth.value;
  return { active: true, sub: claims.sub, tid: claims.tid, sid: claims.sid, roles: user.roles, iss: claims.iss, aud: claims.aud, exp: claims.exp, iat: claims.iat, jti: claims.jti, auth_time: claims.auth_time, amr: claims.amr };
}
