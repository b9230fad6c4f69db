import type { AccessTokenClaims } from "../../../shared/domain/access-token-claims";

/**
 * What the origin is told about a verified token's caller, as the header values the gate
 * sends: computed once per token and cached with it, so a request that hits the cache
 * builds no strings. `amr` and `authTime` are null for a token minted before those claims.
 */
export interface IdentityHeaderValues {
  readonly userId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly roles: string;
  readonly amr: string | null;
  readonly authTime: string | null;
}

export function identityHeaderValues(claims: AccessTokenClaims): IdentityHeaderValues {
  return Object.freeze({
    userId: claims.sub,
    tenantId: claims.tid,
    sessionId: claims.sid,
    roles: claims.roles.join(","),
    amr: claims.amr === undefined ? null : claims.amr.join(","),
    authTime: claims.auth_time === undefined ? null : String(claims.auth_time),
  });
}
