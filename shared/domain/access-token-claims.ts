import { z } from "zod";
import { AMR_VALUES } from "./authentication-methods";

/** The `typ` header of every access token (RFC 9068), which the gate and the issuer insist on. */
export const ACCESS_TOKEN_TYPE = "at+jwt";
/** Tolerated difference between our clock and a token's `iat`/`nbf`. */
export const CLOCK_SKEW_SECONDS = 30;
/** The longest access-token lifetime any tenant may configure: bounds every revocation entry's TTL. */
export const MAX_ACCESS_TOKEN_TTL_SECONDS = 3600;

/** Role names: safe in a comma-separated header and in the gate's signed string. */
export const ROLE_PATTERN = /^[a-z0-9][a-z0-9_:.-]{0,63}$/;

export const accessTokenClaimsSchema = z.strictObject({
  iss: z.string().min(1),
  aud: z.string().min(1),
  sub: z.string().regex(/^usr_[0-9a-z]{26}$/),
  tid: z.string().regex(/^tn_[0-9a-z]{26}$/),
  sid: z.string().regex(/^ses_[0-9a-z]{26}$/),
  roles: z.array(z.string().regex(ROLE_PATTERN)).max(20),
  jti: z.string().min(1).max(64),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
  /** When the user signed in (OIDC); kept unchanged through refreshes. Absent on tokens minted before it existed. */
  auth_time: z.number().int().nonnegative().optional(),
  /** How the user signed in (RFC 8176); kept unchanged through refreshes. */
  amr: z.array(z.enum(AMR_VALUES)).min(1).max(AMR_VALUES.length).optional(),
});

export type AccessTokenClaims = z.infer<typeof accessTokenClaimsSchema>;

/**
 * A token lives no longer than the longest lifetime a tenant can configure.
 * A correctly signed token with a far `exp` would otherwise outlive its
 * revocation entries (kept for that maximum) and come back to life.
 */
export function lifetimeWithinCap(claims: Pick<AccessTokenClaims, "iat" | "exp">): boolean {
  const lifetime = claims.exp - claims.iat;
  return lifetime > 0 && lifetime <= MAX_ACCESS_TOKEN_TTL_SECONDS;
}

/** Why a token is not valid at `nowSeconds`, allowing the clock skew either way; null when it is. */
export function tokenTimeRejection(claims: Pick<AccessTokenClaims, "iat" | "exp">, nowSeconds: number): "expired" | "not_yet_valid" | null {
  if (claims.exp <= nowSeconds - CLOCK_SKEW_SECONDS) return "expired";
  if (claims.iat > nowSeconds + CLOCK_SKEW_SECONDS) return "not_yet_valid";
  return null;
}
