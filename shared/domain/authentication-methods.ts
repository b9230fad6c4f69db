/**
 * How a user proved who they are, as RFC 8176 `amr` values: a phone code `sms`; an emailed
 * code or link `otp`; a password `pwd`; a passkey `hwk` (proof of a hardware-held key) and
 * `user` (the authenticator verified the user); a federated identity `fed`; and `mfa` for any
 * sign-in that used two factors, or a user-verified passkey alone.
 */
export const AMR_VALUES = ["sms", "otp", "pwd", "hwk", "user", "fed", "mfa"] as const;

export type AmrValue = (typeof AMR_VALUES)[number];

/** A passkey with user verification is two factors in one: something held and something known or been. */
export const PASSKEY_AMR: readonly AmrValue[] = ["hwk", "user", "mfa"];

/** What a second factor adds to the first: both methods, and `mfa`. The order is stable and duplicates go. */
export function withSecondFactor(first: readonly AmrValue[], second: readonly AmrValue[]): AmrValue[] {
  return AMR_VALUES.filter((value) => value === "mfa" || first.includes(value) || second.includes(value));
}

/**
 * The `acr_values` a step-up challenge names when two factors are what fell short: the
 * OpenID PAPE multi-factor policy, which Auth0 and others use for the same meaning.
 */
export const MFA_ACR = "http://schemas.openid.net/pape/policies/2007/06/multi-factor";

/** How long a sign-in counts as recent for changing factors and passwords (RFC 9470 `max_age`). */
export const RECENT_SIGN_IN_SECONDS = 300;

/** What a route asks of how the caller signed in: two factors, and/or a sign-in no older than `maxAge` seconds. */
export interface AuthenticationRequirement {
  readonly mfa?: boolean;
  readonly maxAge?: number;
}

/** The parts of a token that say how and when its user signed in; absent on tokens minted before they existed. */
export interface AuthenticationClaims {
  readonly amr?: readonly string[];
  readonly auth_time?: number;
}

/**
 * Which part of `requirement` the token falls short of, or null when it meets it. A token
 * without `auth_time` or `amr` meets no requirement on them.
 */
export function authenticationShortfall(claims: AuthenticationClaims, requirement: AuthenticationRequirement, nowSeconds: number): "mfa" | "max_age" | null {
  if (requirement.mfa === true && !(claims.amr ?? []).includes("mfa")) return "mfa";
  if (requirement.maxAge !== undefined && (claims.auth_time === undefined || nowSeconds - claims.auth_time > requirement.maxAge)) return "max_age";
  return null;
}
