/**
 * The snapshot under its injected clock: every `now` below is given, so the
 * staleness bound and the sync rules are checked instant by instant, with no
 * waiting on wall-clock time except the bounded join wait itself.
 */
import { describe, expect, it } from "vitest";
import { CLOCK_SKEW_SECONDS } from "../../../shared/domain/access-token-claims";
import { encodeLogMember } from "../../../shared/domain/revocation-entries";
import type { RevocationReader } from "../../../shared/ports/revocation-reader";
import { RevocationSnapshot, SYNC_PRESUMED_LOST_MS } from "../../../workers/gate/validation/revocation-snapshot";

const SYNC_MS = 100;
const T0 = 1_900_000_000_000;
const HOUR_S = 3600;
const claims = { sid: "ses_a", sub: "usr_a", iat: T0 / 1000 - 60 };

/** A log in memory, scored by the instant each entry was published. */
function memoryLog() {
  const entries: { score: number; member: string }[] = [];
  return {
    publishSession(sessionId: string, at: number) {
      entries.push({ score: at, member: encodeLogMember({ kind: "session", sessionId, expiresAtSeconds: Math.floor(at / 1000) + HOUR_S }) });
    },
    reader: {
      logSince: (since: number) => Promise.resolve(entries.filter((entry) => entry.score >= since).map((entry) => entry.member)),
      // The per-key entries the issuer writes beside the log: a session is revoked once published.
      lookup: (sessionId: string | null) =>
        Promise.resolve({ sessionRevoked: entries.some((entry) => sessionId !== null && entry.member.startsWith(`s|${sessionId}|`)), userRevokedBefore: null }),
    } satisfies RevocationReader,
  };
}

/** Runs a request's background work to completion before the next request, as an idle isolate would. */
function backgroundQueue() {
  const pending: Promise<unknown>[] = [];
  return {
    background: (work: Promise<unknown>) => void pending.push(work),
    settle: () => Promise.all(pending.splice(0)),
  };
}

const later = <T>(ms: number, value: T) => new Promise<T>((resolve) => setTimeout(() => resolve(value), ms));

describe("the staleness bound, under the snapshot's clock", () => {
  it("refuses a revoked session's token at every instant from two sync intervals after the revocation", async () => {
    const log = memoryLog();
    const snapshot = new RevocationSnapshot(log.reader, SYNC_MS);
    const queue = backgroundQueue();
    expect(await snapshot.check(claims, T0, queue.background)).toEqual({ revoked: false, fresh: true, loaded: true });

    const revokedAt = T0 + 30;
    log.publishSession(claims.sid, revokedAt);
    for (let now = revokedAt; now <= revokedAt + 10 * SYNC_MS; now += 7) {
      const verdict = await snapshot.check(claims, now, queue.background);
      if (now > revokedAt + 2 * SYNC_MS) expect({ now: now - revokedAt, verdict }).toEqual({ now: now - revokedAt, verdict: { revoked: true, fresh: true, loaded: true } });
      await queue.settle();
    }
  });

  it("holds the bound even when no background sync ever finishes: the request that finds the copy too old syncs first", async () => {
    const log = memoryLog();
    const snapshot = new RevocationSnapshot(log.reader, SYNC_MS);
    const dropped = () => undefined;
    await snapshot.check(claims, T0, dropped);
    log.publishSession(claims.sid, T0 + 1);
    // A copy synced at T0 may serve until T0 + 2 × SYNC_MS, and not one instant later.
    expect((await snapshot.check(claims, T0 + 2 * SYNC_MS, dropped)).revoked).toBe(false);
    expect(await snapshot.check(claims, T0 + 2 * SYNC_MS + 1, dropped)).toEqual({ revoked: true, fresh: true, loaded: true });
  });
});

describe("clocks that disagree", () => {
  it("sees an entry scored by a Redis clock that runs behind the gate's by the tolerated skew", async () => {
    const log = memoryLog();
    const snapshot = new RevocationSnapshot(log.reader, SYNC_MS);
    const gateAhead = CLOCK_SKEW_SECONDS * 1000;
    const queue = backgroundQueue();
    await snapshot.check(claims, T0, queue.background);
    // Written just after that sync, by Redis's reckoning 30 s earlier.
    log.publishSession(claims.sid, T0 - gateAhead + 1);
    for (let now = T0 + SYNC_MS + 1; now <= T0 + 10 * SYNC_MS; now += SYNC_MS) {
      await snapshot.check(claims, now, queue.background);
      await queue.settle();
    }
    expect((await snapshot.check(claims, T0 + 10 * SYNC_MS, queue.background)).revoked).toBe(true);
  });
});

describe("one sync at a time", () => {
  it("a burst on a cold isolate whose full read is slow starts one read of the log, and each request is answered from Upstash's per-key entries meanwhile", async () => {
    let reads = 0;
    let lookups = 0;
    let logRead = false;
    const slowReader: RevocationReader = {
      logSince: async () => {
        reads += 1;
        // Slower than the longest join wait (1 s at this interval).
        const members = await later(1_500, [encodeLogMember({ kind: "session", sessionId: claims.sid, expiresAtSeconds: T0 / 1000 + HOUR_S })]);
        logRead = true;
        return members;
      },
      lookup: (sessionId) => {
        lookups += 1;
        return Promise.resolve({ sessionRevoked: sessionId === claims.sid, userRevokedBefore: null });
      },
    };
    const snapshot = new RevocationSnapshot(slowReader, SYNC_MS);
    const queue = backgroundQueue();

    const verdicts = await Promise.all(Array.from({ length: 32 }, (_, index) => snapshot.check(claims, T0 + index, queue.background)));
    // Nobody waited for the read of the log: the revoked session is refused from its own entry.
    expect(logRead).toBe(false);
    expect(verdicts).toEqual(Array.from({ length: 32 }, () => ({ revoked: true, fresh: true, loaded: true })));
    expect(lookups).toBe(32);
    expect(reads).toBe(1);
    expect(snapshot.counters.syncs).toBe(1);

    await queue.settle();
    expect(await snapshot.check(claims, T0 + 50, queue.background)).toEqual({ revoked: true, fresh: true, loaded: true });
    expect({ reads, lookups }).toEqual({ reads: 1, lookups: 32 });
  });

  it("a cold isolate that can reach neither the log nor the per-key entries says it has nothing to answer from", async () => {
    const down: RevocationReader = {
      logSince: () => Promise.reject(new Error("Upstash down")),
      lookup: () => Promise.reject(new Error("Upstash down")),
    };
    const snapshot = new RevocationSnapshot(down, SYNC_MS);
    const queue = backgroundQueue();
    expect(await snapshot.check(claims, T0, queue.background)).toEqual({ revoked: false, fresh: false, loaded: false });
    await queue.settle();
    expect(snapshot.healthy).toBe(false);
  });

  it("a cold isolate refuses a token of a user revoked as a whole, from the user's mark", async () => {
    const reader: RevocationReader = {
      logSince: () => later(200, []),
      lookup: () => Promise.resolve({ sessionRevoked: false, userRevokedBefore: claims.iat + 1 }),
    };
    const snapshot = new RevocationSnapshot(reader, SYNC_MS);
    const queue = backgroundQueue();
    expect((await snapshot.check(claims, T0, queue.background)).revoked).toBe(true);
    expect((await snapshot.check({ ...claims, iat: claims.iat + 1 }, T0, queue.background)).revoked).toBe(false);
    await queue.settle();
  });

  it("a stale copy is served while a slow sync runs, and requests arriving later do not start a second read", async () => {
    const log = memoryLog();
    let slow = false;
    let reads = 0;
    const reader: RevocationReader = {
      logSince: async (since) => {
        reads += 1;
        const members = await log.reader.logSince(since);
        return slow ? later(1_500, members) : members;
      },
      lookup: log.reader.lookup,
    };
    const snapshot = new RevocationSnapshot(reader, SYNC_MS);
    log.publishSession(claims.sid, T0 - 1_000);
    const first = backgroundQueue();
    await snapshot.check(claims, T0, first.background);
    await first.settle();
    expect(reads).toBe(1);

    slow = true;
    const idle = T0 + 10 * SYNC_MS;
    const queue = backgroundQueue();
    const burst = await Promise.all(Array.from({ length: 16 }, (_, index) => snapshot.check(claims, idle + index * SYNC_MS, queue.background)));
    expect(burst).toEqual(Array.from({ length: 16 }, () => ({ revoked: true, fresh: false, loaded: true })));
    expect(reads).toBe(2);
    await queue.settle();
  });

  it("a sync that never settles (its request was cancelled) is replaced once presumed lost, and not before", async () => {
    const log = memoryLog();
    log.publishSession(claims.sid, T0 - 1_000);
    let reads = 0;
    const reader: RevocationReader = {
      logSince: (since) => (++reads === 1 ? new Promise<string[]>(() => undefined) : log.reader.logSince(since)),
      lookup: log.reader.lookup,
    };
    const snapshot = new RevocationSnapshot(reader, SYNC_MS);
    const dropped = () => undefined;

    // With no copy, each request is answered from the session's own entry while the first read hangs.
    expect(await snapshot.check(claims, T0, dropped)).toEqual({ revoked: true, fresh: true, loaded: true });
    expect(await snapshot.check(claims, T0 + SYNC_PRESUMED_LOST_MS - 1, dropped)).toEqual({ revoked: true, fresh: true, loaded: true });
    expect(reads).toBe(1);
    await snapshot.check(claims, T0 + SYNC_PRESUMED_LOST_MS, dropped);
    expect(reads).toBe(2);
    await later(0, null);
    expect(snapshot.size).toBe(1);
    expect(await snapshot.check({ ...claims, sid: "ses_other" }, T0 + SYNC_PRESUMED_LOST_MS + 1, dropped)).toEqual({ revoked: false, fresh: true, loaded: true });
  });
});
