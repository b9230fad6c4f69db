import type { AccessTokenClaims } from "../../../shared/domain/access-token-claims";

/** Most tokens an isolate remembers as verified; the oldest entry goes first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

/**
 * Token text → its verified claims, so a token's signature is checked once per
 * isolate. Only the signature and the static claims are cached: expiry and
 * revocation are checked on every request by the caller.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, AccessTokenClaims>();
  readonly #capacity: number;

  constructor(capacity = VERIFIED_TOKEN_CACHE_SIZE) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string, nowSeconds: number): AccessTokenClaims | undefined {
    const claims = this.#entries.get(token);
    if (claims === undefined) return undefined;
    if (claims.exp <= nowSeconds) {
      this.#entries.delete(token);
      return undefined;
    }
    return claims;
  }

  set(token: string, claims: AccessTokenClaims): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, claims);
  }
}
