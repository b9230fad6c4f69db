import { isClientToken, type AccessTokenClaims } from "../../../shared/domain/access-token-claims";

/**
 * What the origin is told about a verified token's caller, as the header values the gate
 * sends: computed once per token and cached with it, so a request that hits the cache
 * builds no strings. For a user, `amr` and `authTime` are null for a token minted before
 * those claims; a client (`client_credentials`) has no user, session or sign-in to tell.
 */
export type IdentityHeaderValues = UserHeaderValues | ClientHeaderValues;

export interface UserHeaderValues {
  readonly kind: "user";
  readonly userId: string;
  readonly tenantId: string;
  readonly sessionId: string;
  readonly roles: string;
  readonly amr: string | null;
  readonly authTime: string | null;
}

export interface ClientHeaderValues {
  readonly kind: "client";
  readonly clientId: string;
  readonly tenantId: string;
  readonly roles: string;
}

export function identityHeaderValues(claims: AccessTokenClaims): IdentityHeaderValues {
  if (isClientToken(claims)) {
    return Object.freeze({ kind: "client", clientId: claims.client_id, tenantId: claims.tid, roles: claims.roles.join(",") });
  }
  return Object.freeze({
    kind: "user",
    userId: claims.sub,
    tenantId: claims.tid,
    sessionId: claims.sid,
    roles: claims.roles.join(","),
    amr: claims.amr === undefined ? null : claims.amr.join(","),
    authTime: claims.auth_time === undefined ? null : String(claims.auth_time),
  });
}
