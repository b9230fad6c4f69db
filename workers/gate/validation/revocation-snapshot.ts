import { decodeLogMember, REVOCATION_LIFETIME_MS, REVOCATION_LOG_OVERLAP_MS } from "../../../shared/domain/revocation-entries";
import type { RevocationReader } from "../../../shared/ports/revocation-reader";

/** What a revocation can match: a user's session, or none for a client's token; the subject's mark either way. */
export interface RevocableClaims {
  readonly sid: string | null;
  readonly sub: string;
  readonly iat: number;
}

/** How far before its last sync a read starts again: see REVOCATION_LOG_OVERLAP_MS. */
export const SYNC_OVERLAP_MS = REVOCATION_LOG_OVERLAP_MS;

/**
 * A sync still running after this long is presumed lost: its request was
 * cancelled (workerd cancels a request whose only pending work belongs to
 * another, "Promise will never complete") and it will never settle. Until then
 * no other sync starts, however slow this one is.
 */
export const SYNC_PRESUMED_LOST_MS = 30_000;

export interface RevocationVerdict {
  readonly revoked: boolean;
  /** False when the snapshot could not be refreshed within the staleness bound. */
  readonly fresh: boolean;
  /** False when there is no copy yet and Upstash could not be asked either: nothing to answer from. */
  readonly loaded: boolean;
}

/**
 * Each isolate's copy of live revocations: revoked session ids and per-user
 * "issued before T" marks, each kept until no token it matches can be valid.
 * Refreshed from the log in the background at most every `syncMs`; a request
 * waits for a sync only when the copy is older than twice that (an idle
 * isolate, or syncs slower than the interval).
 *
 * At most one sync runs at a time: a request on a stale copy joins the one
 * running (or starts it) and waits for it only as long as a sync should take.
 * A request that cannot wait longer is answered from the copy it has, stale,
 * and never by another sync: with a large list, concurrent full reads starve
 * the isolate and each makes the others slower. Only a sync presumed lost
 * (`SYNC_PRESUMED_LOST_MS`) is replaced.
 * For one interval after a failed sync, requests use the copy they have (as
 * during an Upstash outage) instead of each trying Upstash again.
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
  /** When the latest sync started: background syncs start at most once per interval. */
  #syncStartedAt = Number.NEGATIVE_INFINITY;
  /** When a sync last failed: for one interval after, requests use the copy they have rather than each retrying Upstash. */
  #failedAt = Number.NEGATIVE_INFINITY;
  #lastSyncFailed = false;
  /** The sync running, if any, and when it started: every request and the health probe share it. */
  #running: { readonly work: Promise<boolean>; readonly startedAt: number } | null = null;
  /** How long a request waits for the running sync before it is answered from the copy it has. */
  readonly #joinWaitMs: number;
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
    this.#joinWaitMs = Math.min(5_000, Math.max(1_000, 2 * syncMs));
  }

  get size(): number {
    return this.#sessions.size + this.#users.size;
  }

  /** False once a sync failed and no later one succeeded: `/__gate/health` says degraded. */
  get healthy(): boolean {
    return !this.#lastSyncFailed;
  }

  async check(claims: RevocableClaims, now: number, background: (work: Promise<unknown>) => void): Promise<RevocationVerdict> {
    if (!Number.isFinite(this.#syncedAt)) return this.#checkWithoutCopy(claims, now, background);
    const age = now - this.#syncedAt;
    if (age > this.#maxAgeMs && now - this.#failedAt > this.#syncMs) await this.#joinOrStart(now, background);
    else if (age > this.#syncMs && now - this.#syncStartedAt > this.#syncMs && this.#runningAt(now) === null) background(this.sync(now));
    const fresh = now - this.#syncedAt <= this.#maxAgeMs;
    return { revoked: this.isRevoked(claims, now), fresh, loaded: Number.isFinite(this.#syncedAt) };
  }

  isRevoked(claims: RevocableClaims, now: number): boolean {
    const nowSeconds = Math.floor(now / 1000);
    const sessionExpiry = claims.sid === null ? undefined : this.#sessions.get(claims.sid);
    if (sessionExpiry !== undefined && sessionExpiry > nowSeconds) return true;
    const mark = this.#users.get(claims.sub);
    return mark !== undefined && mark.expires > nowSeconds && claims.iat < mark.before;
  }

  /**
   * No copy yet: answer from Upstash directly, then start loading a copy (unless a load
   * runs, or one just failed). The load starts after the answer, so a long list's transfer
   * and parsing do not hold up the request that found the isolate cold.
   */
  async #checkWithoutCopy(claims: RevocableClaims, now: number, background: (work: Promise<unknown>) => void): Promise<RevocationVerdict> {
    let verdict: RevocationVerdict;
    try {
      verdict = { revoked: await strictlyRevoked(this.#reader, claims), fresh: true, loaded: true };
    } catch {
      verdict = { revoked: false, fresh: false, loaded: false };
    }
    // Another request of the burst may have started the load, or finished it, while this one asked.
    if (!Number.isFinite(this.#syncedAt) && this.#runningAt(now) === null && now - this.#failedAt > this.#syncMs) background(this.sync(now));
    return verdict;
  }

  /** Waits a bounded time for the running sync, or for one this request starts and keeps alive past its answer. */
  async #joinOrStart(now: number, background: (work: Promise<unknown>) => void): Promise<void> {
    let work = this.#runningAt(now);
    if (work === null) {
      work = this.sync(now);
      background(work);
    }
    await settlesWithin(work, this.#joinWaitMs);
  }

  /** The sync running at `now`, unless it is presumed lost. */
  #runningAt(now: number): Promise<boolean> | null {
    const running = this.#running;
    return running !== null && now - running.startedAt < SYNC_PRESUMED_LOST_MS ? running.work : null;
  }

  /** One read of the log, or the one already running. Resolves false when Upstash could not be read; never rejects. */
  sync(now: number): Promise<boolean> {
    const running = this.#runningAt(now);
    if (running !== null) return running;
    const run = { work: this.#read(now), startedAt: now };
    this.#running = run;
    void run.work.then(() => {
      if (this.#running === run) this.#running = null;
    });
    return run.work;
  }

  async #read(now: number): Promise<boolean> {
    this.#syncStartedAt = Math.max(this.#syncStartedAt, now);
    this.counters.syncs += 1;
    try {
      // The first read covers every entry that can still match a token, on a clock that may run ahead of Redis's.
      const since = Number.isFinite(this.#highWater) ? this.#highWater - SYNC_OVERLAP_MS : now - REVOCATION_LIFETIME_MS - SYNC_OVERLAP_MS;
      const members = await this.#reader.logSince(since);
      for (const member of members) this.#apply(member);
      // Syncs of several requests may overlap and finish out of order: time only moves forward.
      this.#highWater = Math.max(this.#highWater, now);
      this.#syncedAt = Math.max(this.#syncedAt, now);
      this.#lastSyncFailed = false;
      this.#prune(now);
      return true;
    } catch {
      this.counters.failures += 1;
      this.#failedAt = Math.max(this.#failedAt, now);
      // A failure says nothing new when a sync that started later has succeeded.
      if (now >= this.#syncedAt) this.#lastSyncFailed = true;
      return false;
    }
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

/** True when `work` settles within `ms`; false when it has not by then (it may never). */
async function settlesWithin(work: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: ReturnType<typeof setTimeout> | null = null;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([work.then(() => true), timeout]);
  } finally {
    if (timer !== null) clearTimeout(timer);
  }
}

/** Strict mode: ask Upstash about this token's session and user, every request. */
export async function strictlyRevoked(reader: RevocationReader, claims: RevocableClaims): Promise<boolean> {
  const { sessionRevoked, userRevokedBefore } = await reader.lookup(claims.sid, claims.sub);
  return sessionRevoked || (userRevokedBefore !== null && claims.iat < userRevokedBefore);
}
