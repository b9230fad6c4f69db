import { decodeLogMember, REVOCATION_LIFETIME_MS } from "../../../shared/domain/revocation-entries";
import type { RevocationReader } from "../../../shared/ports/revocation-reader";

/**
 * Revocations are published with the issuer's clock as the score; reading a
 * little before the last sync covers clock differences between isolates and
 * writes that land late. Re-reading an entry is harmless.
 */
export const SYNC_OVERLAP_MS = 10_000;

export interface RevocationVerdict {
  readonly revoked: boolean;
  /** False when the snapshot could not be refreshed within the staleness bound. */
  readonly fresh: boolean;
}

/**
 * Each isolate's copy of live revocations: revoked session ids and per-user
 * "issued before T" marks, each kept until no token it matches can be valid.
 * Refreshed from the log with one request at most every `syncMs`; a request
 * waits for a sync only when the copy is older than twice that (an idle
 * isolate), otherwise the sync runs in the background.
 */
export class RevocationSnapshot {
  readonly #reader: RevocationReader;
  readonly #syncMs: number;
  /** The oldest a snapshot may be when a request uses it: staleness stays within 2 × syncMs. */
  readonly #maxAgeMs: number;
  readonly #sessions = new Map<string, number>();
  readonly #users = new Map<string, { before: number; expires: number }>();
  #syncedAt = Number.NEGATIVE_INFINITY;
  #highWater = Number.NEGATIVE_INFINITY;
  #syncing: Promise<boolean> | null = null;
  #lastSyncFailed = false;
  readonly counters = { syncs: 0, failures: 0 };

  /**
   * `sharedStalenessMs` is how old the data a sync returns may already be (a
   * document shared through the cache); it is taken off the snapshot's own
   * allowance so the total stays within 2 × `syncMs`.
   */
  constructor(reader: RevocationReader, syncMs: number, sharedStalenessMs = 0) {
    this.#reader = reader;
    this.#syncMs = syncMs;
    this.#maxAgeMs = Math.max(syncMs, 2 * syncMs - sharedStalenessMs);
  }

  get size(): number {
    return this.#sessions.size + this.#users.size;
  }

  /** False once a sync failed and no later one succeeded: `/__gate/health` says degraded. */
  get healthy(): boolean {
    return !this.#lastSyncFailed;
  }

  async check(claims: { sid: string; sub: string; iat: number }, now: number, background: (work: Promise<unknown>) => void): Promise<RevocationVerdict> {
    const age = now - this.#syncedAt;
    if (age > this.#maxAgeMs) await this.sync(now);
    else if (age > this.#syncMs) background(this.sync(now));
    const fresh = now - this.#syncedAt <= this.#maxAgeMs;
    return { revoked: this.isRevoked(claims, now), fresh };
  }

  isRevoked(claims: { sid: string; sub: string; iat: number }, now: number): boolean {
    const nowSeconds = Math.floor(now / 1000);
    const sessionExpiry = this.#sessions.get(claims.sid);
    if (sessionExpiry !== undefined && sessionExpiry > nowSeconds) return true;
    const mark = this.#users.get(claims.sub);
    return mark !== undefined && mark.expires > nowSeconds && claims.iat < mark.before;
  }

  /** One request to Upstash; concurrent callers share it. Resolves false when Upstash could not be read. */
  sync(now: number): Promise<boolean> {
    this.#syncing ??= (async () => {
      this.counters.syncs += 1;
      try {
        const since = Number.isFinite(this.#highWater) ? this.#highWater - SYNC_OVERLAP_MS : now - REVOCATION_LIFETIME_MS;
        const members = await this.#reader.logSince(since);
        for (const member of members) this.#apply(member);
        this.#highWater = now;
        this.#syncedAt = now;
        this.#lastSyncFailed = false;
        this.#prune(now);
        return true;
      } catch {
        this.counters.failures += 1;
        this.#lastSyncFailed = true;
        return false;
      } finally {
        this.#syncing = null;
      }
    })();
    return this.#syncing;
  }

  #apply(member: string): void {
    const entry = decodeLogMember(member);
    if (entry === null) return;
    if (entry.kind === "session") {
      this.#sessions.set(entry.sessionId, Math.max(entry.expiresAtSeconds, this.#sessions.get(entry.sessionId) ?? 0));
    } else {
      const existing = this.#users.get(entry.userId);
      if (!existing || entry.revokedBeforeSeconds >= existing.before) {
        this.#users.set(entry.userId, { before: entry.revokedBeforeSeconds, expires: Math.max(entry.expiresAtSeconds, existing?.expires ?? 0) });
      }
    }
  }

  #prune(now: number): void {
    const nowSeconds = Math.floor(now / 1000);
    for (const [sid, expires] of this.#sessions) if (expires <= nowSeconds) this.#sessions.delete(sid);
    for (const [uid, mark] of this.#users) if (mark.expires <= nowSeconds) this.#users.delete(uid);
  }
}

/** Strict mode: ask Upstash about this token's session and user, every request. */
export async function strictlyRevoked(reader: RevocationReader, claims: { sid: string; sub: string; iat: number }): Promise<boolean> {
  const { sessionRevoked, userRevokedBefore } = await reader.lookup(claims.sid, claims.sub);
  return sessionRevoked || (userRevokedBefore !== null && claims.iat < userRevokedBefore);
}
