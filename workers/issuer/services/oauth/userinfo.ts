import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { SessionStore } from "../../../../shared/ports/session-store";
import { authenticateAccessToken, type AccessTokenAuthDeps } from "../access-token-auth";
import { scopedClaims } from "./id-token";

export interface UserinfoDeps extends AccessTokenAuthDeps {
  readonly sessions: SessionStore;
}

/**
 * OIDC Core §5.3: the claims of the access token's user that the session's granted scopes
 * release. Only a token of a session issued to a client with `openid` qualifies; a token of
 * the JSON sign-in routes has no granted scopes and is refused as insufficient.
 */
export async function userinfo(deps: UserinfoDeps, token: string, now: Date): Promise<Result<Record<string, unknown>, Failure>> {
  const authenticated = await authenticateAccessToken(deps, token, now);
  if (!authenticated.ok && authenticated.error === "client_token") return err({ reason: "insufficient_scope", description: "A client's token names no user; userinfo needs a user's token with the openid scope." });
  if (!authenticated.ok) return err({ reason: "invalid_token", description: "The access token is invalid, expired or revoked." });
  const { claims, user } = authenticated.value;
  const session = await deps.sessions.find(claims.sid);
  const scopes = new Set((session?.scope ?? "").split(" "));
  if (!session?.clientId || !scopes.has("openid")) return err({ reason: "insufficient_scope", description: "The access token was not granted the openid scope." });
  return ok({ sub: user.id, ...scopedClaims(user, scopes) });
}
