import { randomBase32 } from "./ids";

/** Publishable keys identify a tenant to the sign-in endpoints (160 random bits). */
export const API_KEY_PREFIX = "pk_";
/** Secret keys authenticate a tenant's backend, e.g. for introspection (200 random bits). */
export const SECRET_KEY_PREFIX = "sk_";

export function newApiKey(): string {
  return `${API_KEY_PREFIX}${randomBase32(32)}`;
}

export function newSecretKey(): string {
  return `${SECRET_KEY_PREFIX}${randomBase32(40)}`;
}

/** Refresh tokens are opaque: 256 random bits, stored only as a SHA-256 hash. */
export function newRefreshToken(): string {
  return `rt_${randomBase32(52)}`;
}
