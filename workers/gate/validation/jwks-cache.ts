import { CLOCK_SKEW_SECONDS, MAX_ACCESS_TOKEN_TTL_SECONDS } from "../../../shared/domain/access-token-claims";
import type { JwksDocument } from "../../../shared/ports/jwks-publisher";
import type { JwksSource } from "../../../shared/ports/jwks-source";
import { isSupportedAlgorithm, type SupportedAlgorithm } from "../../../shared/crypto/compact-jws";
import { importVerificationKey } from "../../../shared/crypto/ecdsa-verification";

/** How old the in-memory key set may get before it is re-read from KV (in the background). */
export const JWKS_REFRESH_MS = 60_000;
/**
 * Older than this, a request waits for its own KV read instead of using the
 * copy it has: a withdrawal reaches an idle isolate before its first request
 * is served, not after.
 */
export const JWKS_MAX_AGE_MS = 2 * JWKS_REFRESH_MS;
/** At most one KV read per this interval on account of unknown `kid`s. */
export const UNKNOWN_KID_KV_COOLDOWN_MS = 1_000;
/** At most one issuer fetch per this interval on account of unknown `kid`s: a flood of random kids costs nothing. */
export const UNKNOWN_KID_ISSUER_COOLDOWN_MS = 10_000;
/**
 * A key missing from a fresh read stays usable this long. KV is eventually
 * consistent: a read may return a set older than one already seen, and a
 * published key must never turn into a false 401. A key the issuer lists as
 * withdrawn is dropped at once instead.
 */
export const KEY_RETENTION_MS = 10 * 60_000;
/** A withdrawn kid is remembered this long, so an older copy of the set read later cannot bring its key back. */
export const WITHDRAWN_MEMORY_MS = (MAX_ACCESS_TOKEN_TTL_SECONDS + CLOCK_SKEW_SECONDS) * 1000;

interface CachedKey {
  readonly alg: SupportedAlgorithm;
  readonly key: Promise<CryptoKey | null>;
  lastSeen: number;
}

export interface JwksCacheSources {
  readonly kv: JwksSource;
  readonly issuer: JwksSource;
}

/**
 * The gate's view of the issuer's public keys, per isolate: memory first, then
 * KV (written by the issuer), then the issuer itself over the service binding,
 * each fallback rate-limited. Rate limits go by the time a read started, never
 * by sharing its promise: a request must not wait on I/O another request
 * started (workerd cancels it as hung, or refuses the other request's I/O).
 */
export class JwksCache {
  readonly #sources: JwksCacheSources;
  readonly #keys = new Map<string, CachedKey>();
  /** Withdrawn kid → when this isolate last saw it listed. */
  readonly #withdrawn = new Map<string, number>();
  readonly #dropListeners: ((kid: string) => void)[] = [];
  #loadedAt = Number.NEGATIVE_INFINITY;
  #lastKvRead = Number.NEGATIVE_INFINITY;
  #lastIssuerFetch = Number.NEGATIVE_INFINITY;
  /** Subrequests made, for tests and metrics. */
  readonly counters = { kvReads: 0, issuerFetches: 0 };

  constructor(sources: JwksCacheSources) {
    this.#sources = sources;
  }

  get size(): number {
    return this.#keys.size;
  }

  /** `listener` hears every kid whose key this cache drops (withdrawn, or unseen for KEY_RETENTION_MS). */
  onKeyDropped(listener: (kid: string) => void): void {
    this.#dropListeners.push(listener);
  }

  /**
   * True when `kid` names a key this isolate holds: published, not withdrawn,
   * not dropped. A token verified earlier is only as good as its key.
   */
  isLive(kid: string): boolean {
    return this.#keys.has(kid);
  }

  /**
   * Keeps the key set current: re-read from KV in the background once it is
   * JWKS_REFRESH_MS old, and before answering once it is JWKS_MAX_AGE_MS old
   * (or empty). Every request calls this, cached tokens included, so a
   * withdrawal reaches an isolate that only sees tokens it verified before.
   */
  async refresh(now: number, background: (work: Promise<unknown>) => void): Promise<void> {
    const age = now - this.#loadedAt;
    if (age <= JWKS_REFRESH_MS || now - this.#lastKvRead < UNKNOWN_KID_KV_COOLDOWN_MS) return;
    if (this.#keys.size === 0 || age > JWKS_MAX_AGE_MS) await this.#readKv(now);
    else background(this.#readKv(now));
  }

  /**
   * The verification key for `kid`, or null. `background` receives refreshes
   * that need not hold up this request (pass `ctx.waitUntil`).
   */
  async keyFor(kid: string, alg: SupportedAlgorithm, now: number, background: (work: Promise<unknown>) => void): Promise<CryptoKey | null> {
    await this.refresh(now, background);

    let cached = this.#keys.get(kid);
    if (!cached && now - this.#lastKvRead >= UNKNOWN_KID_KV_COOLDOWN_MS) {
      await this.#readKv(now);
      cached = this.#keys.get(kid);
    }
    if (!cached && now - this.#lastIssuerFetch >= UNKNOWN_KID_ISSUER_COOLDOWN_MS) {
      await this.#fetchIssuer(now);
      cached = this.#keys.get(kid);
    }
    if (cached?.alg !== alg) return null;
    return cached.key;
  }

  /** One KV read now, as the next refresh would do: for operators' tools and tests. */
  sync(now: number): Promise<void> {
    return this.#readKv(now);
  }

  /** True when the gate holds keys or can get them: for `/__gate/health`. */
  async usable(now: number): Promise<boolean> {
    if (this.#keys.size > 0 && now - this.#loadedAt <= JWKS_REFRESH_MS) return true;
    await this.#readKv(now);
    if (this.#keys.size === 0) await this.#fetchIssuer(now);
    return this.#keys.size > 0;
  }

  #readKv(now: number): Promise<void> {
    this.#lastKvRead = Math.max(this.#lastKvRead, now);
    return this.#load(this.#sources.kv, "kvReads", now);
  }

  #fetchIssuer(now: number): Promise<void> {
    this.#lastIssuerFetch = Math.max(this.#lastIssuerFetch, now);
    return this.#load(this.#sources.issuer, "issuerFetches", now);
  }

  /** One read of a source; a source that fails leaves the keys we have, and the other fallback still applies. */
  async #load(source: JwksSource, counter: keyof JwksCache["counters"], now: number): Promise<void> {
    this.counters[counter] += 1;
    try {
      const jwks = await source.read();
      if (jwks) this.#install(jwks, now);
    } catch {
      // Unreachable: keep what we have.
    }
  }

  #install(jwks: JwksDocument, now: number): void {
    this.#loadedAt = now;
    for (const kid of Array.isArray(jwks.withdrawn) ? jwks.withdrawn : []) {
      if (typeof kid !== "string") continue;
      this.#withdrawn.set(kid, now);
      this.#drop(kid);
    }
    for (const jwk of jwks.keys) {
      const { alg } = jwk;
      if (typeof jwk.kid !== "string" || !isSupportedAlgorithm(alg) || this.#withdrawn.has(jwk.kid)) continue;
      const existing = this.#keys.get(jwk.kid);
      if (existing) {
        existing.lastSeen = now;
        continue;
      }
      this.#keys.set(jwk.kid, { alg, lastSeen: now, key: importVerificationKey(jwk, alg) });
    }
    for (const [kid, cached] of this.#keys) if (now - cached.lastSeen > KEY_RETENTION_MS) this.#drop(kid);
    for (const [kid, seen] of this.#withdrawn) if (now - seen > WITHDRAWN_MEMORY_MS) this.#withdrawn.delete(kid);
  }

  #drop(kid: string): void {
    if (!this.#keys.delete(kid)) return;
    for (const listener of this.#dropListeners) listener(kid);
  }
}
