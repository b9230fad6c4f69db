import type { ClientAccessTokenClaims, UserAccessTokenClaims } from "../../../shared/domain/access-token-claims";
import { authenticateAnyAccessToken, type AccessTokenAuthDeps } from "./access-token-auth";

type UserIntrospection = { active: true } & Omit<UserAccessTokenClaims, "roles"> & { roles: readonly string[] };
type ClientIntrospection = { active: true; token_type: "client" } & Omit<ClientAccessTokenClaims, "roles"> & { roles: readonly string[] };

export type IntrospectionResponse = UserIntrospection | ClientIntrospection | { active: false };

/**
 * RFC 7662: anything not live for this tenant (malformed, expired, revoked, or
 * another tenant's, or a disabled user's, or a deleted client's) is just
 * `{active: false}`, with no reason given. A user's roles are the user's as they
 * are now, read with the revocation check, not the ones the token was minted
 * with; a client's are the client's as registered now. A client's token is
 * marked `token_type: "client"` and carries `client_id` and no `sid`.
 */
export async function introspect(deps: AccessTokenAuthDeps, tenantId: string, token: string): Promise<IntrospectionResponse> {
  const auth = await authenticateAnyAccessToken(deps, token, new Date());
  if (!auth.ok || auth.value.claims.tid !== tenantId) return { active: false };
  if (auth.value.kind === "client") {
    const { claims, client } = auth.value;
    return { active: true, token_type: "client", sub: claims.sub, client_id: claims.client_id, tid: claims.tid, roles: client.roles, iss: claims.iss, aud: claims.aud, exp: claims.exp, iat: claims.iat, jti: claims.jti };
  }
  const { claims, user } = auth.value;
  return { active: true, sub: claims.sub, tid: claims.tid, sid: claims.sid, roles: user.roles, iss: claims.iss, aud: claims.aud, exp: claims.exp, iat: claims.iat, jti: claims.jti, auth_time: claims.auth_time, amr: claims.amr };
}
