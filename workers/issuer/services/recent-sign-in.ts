import { authenticationShortfall, RECENT_SIGN_IN_SECONDS, type AuthenticationClaims, type AuthenticationRequirement } from "../../../shared/domain/authentication-methods";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";

/**
 * Removing a factor, adding a passkey, and changing a password while a second factor exists
 * need a recent strong sign-in: two factors (`amr` has `mfa`) within the last five minutes.
 * Otherwise the RFC 9470 challenge tells the app to sign the user in again with `max_age=300`.
 */
export function requireRecentStrongSignIn(claims: AuthenticationClaims, now: Date): Result<void, Failure> {
  return requireSignIn(claims, { mfa: true, maxAge: RECENT_SIGN_IN_SECONDS }, now);
}

/** A sign-in, of any strength, within the last five minutes: enough for a user who has no second factor to prove yet. */
export function requireRecentSignIn(claims: AuthenticationClaims, now: Date): Result<void, Failure> {
  return requireSignIn(claims, { maxAge: RECENT_SIGN_IN_SECONDS }, now);
}

function requireSignIn(claims: AuthenticationClaims, requirement: AuthenticationRequirement, now: Date): Result<void, Failure> {
  const shortfall = authenticationShortfall(claims, requirement, Math.floor(now.getTime() / 1000));
  if (shortfall === null) return ok(undefined);
  return err({
    reason: "insufficient_user_authentication",
    description: shortfall === "mfa" ? "Sign in with a second factor within the last five minutes to do this." : "Sign in again within the last five minutes to do this.",
    maxAge: RECENT_SIGN_IN_SECONDS,
  });
}
