import type { AccessTokenClaims } from "../../../shared/domain/access-token-claims";
import type { IdentityHeaderValues } from "./identity-header-values";

/** Most tokens an isolate remembers as verified; the oldest entry goes first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;

export interface VerifiedToken {
  readonly claims: AccessTokenClaims;
  /** The key that verified it: the entry is only good while that key is. */
  readonly kid: string;
  /** The identity headers the origin gets for it, from these claims. */
  readonly identity: IdentityHeaderValues;
}

/**
 * Token text → its verified claims and the key that verified them, so a
 * token's signature is checked once per isolate. Only the signature and the
 * static claims are cached: the key's liveness, expiry, revocation and how
 * recent the sign-in is (a route's `max_age`) are checked on every request by
 * the caller.
 */
export class VerifiedTokenCache {
  readonly #entries = new Map<string, VerifiedToken>();
  readonly #capacity: number;

  constructor(capacity = VERIFIED_TOKEN_CACHE_SIZE) {
    this.#capacity = capacity;
  }

  get size(): number {
    return this.#entries.size;
  }

  get(token: string, nowSeconds: number): VerifiedToken | undefined {
    const entry = this.#entries.get(token);
    if (entry === undefined) return undefined;
    if (entry.claims.exp <= nowSeconds) {
      this.#entries.delete(token);
      return undefined;
    }
    return entry;
  }

  set(token: string, entry: VerifiedToken): void {
    if (this.#entries.size >= this.#capacity) {
      const oldest = this.#entries.keys().next();
      if (!oldest.done) this.#entries.delete(oldest.value);
    }
    this.#entries.set(token, entry);
  }

  delete(token: string): void {
    this.#entries.delete(token);
  }

  /** Forgets every token `kid` verified: its key was withdrawn or dropped. Rare, so a scan is fine. */
  evictKid(kid: string): void {
    for (const [token, entry] of this.#entries) if (entry.kid === kid) this.#entries.delete(token);
  }
}
