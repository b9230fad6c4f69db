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

const USER_ID = /^usr_[0-9a-z]{26}$/;
const CLIENT_ID = /^cli_[0-9a-z]{26}$/;

/** What every access token carries, a user's or a client's. */
const commonClaims = {
  iss: z.string().min(1),
  aud: z.string().min(1),
  tid: z.string().regex(/^tn_[0-9a-z]{26}$/),
  roles: z.array(z.string().regex(ROLE_PATTERN)).max(20),
  jti: z.string().min(1).max(64),
  iat: z.number().int().nonnegative(),
  exp: z.number().int().positive(),
};

/** A user's token: a session (`sid`), how and when the user signed in, and no `client_id`. */
export const userAccessTokenClaimsSchema = z.strictObject({
  ...commonClaims,
  sub: z.string().regex(USER_ID),
  sid: z.string().regex(/^ses_[0-9a-z]{26}$/),
  /** When the user signed in (OIDC); kept unchanged through refreshes. Absent on tokens minted before it existed. */
  auth_time: z.number().int().nonnegative().optional(),
  /** How the user signed in (RFC 8176); kept unchanged through refreshes. */
  amr: z.array(z.enum(AMR_VALUES)).min(1).max(AMR_VALUES.length).optional(),
});

/**
 * A `client_credentials` token (RFC 6749 §4.4): the client is the subject, named again in
 * `client_id` (RFC 9068 §2.2), with no session and no sign-in to speak of.
 */
export const clientAccessTokenClaimsSchema = z
  .strictObject({
    ...commonClaims,
    sub: z.string().regex(CLIENT_ID),
    client_id: z.string().regex(CLIENT_ID),
  })
  .refine((claims) => claims.sub === claims.client_id, { message: "sub must be the client_id" });

/**
 * Exactly one of the two shapes, never a mix: a user's token with a `client_id` and a
 * client's token with a `sid`, `amr` or `auth_time` are both refused, so no reader can
 * take one for the other.
 */
export const accessTokenClaimsSchema = z.union([userAccessTokenClaimsSchema, clientAccessTokenClaimsSchema]);

export type UserAccessTokenClaims = z.infer<typeof userAccessTokenClaimsSchema>;
export type ClientAccessTokenClaims = z.infer<typeof clientAccessTokenClaimsSchema>;
export type AccessTokenClaims = UserAccessTokenClaims | ClientAccessTokenClaims;

export function isClientToken(claims: AccessTokenClaims): claims is ClientAccessTokenClaims {
  return "client_id" in claims;
}

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
