/**
 * Isolates of one location share revocation syncs through the Cache API: a
 * crowd of snapshots costs Upstash about one read per bucket, and still sees
 * every revocation.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { fanInRevocationReader } from "../../../shared/adapters/cache/revocation-fan-in";
import { upstashRevocationReader } from "../../../shared/adapters/upstash/revocation-reader";
import type { RevocationReader } from "../../../shared/ports/revocation-reader";
import { RevocationSnapshot, SYNC_OVERLAP_MS } from "../../../workers/gate/validation/revocation-snapshot";
import { createTenant, decodePayload, logout, signIn } from "./support/gate-stack";

/** The real Upstash reader, with a count of the reads that reach Upstash. */
function countedUpstashReader(): { reader: RevocationReader; reads: () => number } {
  const real = upstashRevocationReader({ url: env.UPSTASH_REDIS_REST_URL, token: env.UPSTASH_REDIS_REST_TOKEN });
  let reads = 0;
  return {
    reader: {
      logSince: (since) => {
        reads += 1;
        return real.logSince(since);
      },
      lookup: (sid, uid) => real.lookup(sid, uid),
    },
    reads: () => reads,
  };
}

const background = (work: Promise<unknown>) => void work;
/** As the gate sets it: past the snapshot's read overlap, two sync intervals and a bucket. */
const RECENT_SPAN_MS = SYNC_OVERLAP_MS + 10_000;

describe("revocation sync fan-in per location", () => {
  it("lets eight isolates sync with two Upstash reads, and every one of them sees a revocation made before", async () => {
    const session = await signIn(await createTenant());
    await logout(session.token);
    const claims = decodePayload(session.token) as { sid: string; sub: string; iat: number };

    const upstash = countedUpstashReader();
    const namespace = crypto.randomUUID();
    // The location's clock is held still, so all eight syncs fall in one bucket.
    const frozen = Date.now();
    const options = { bucketMs: 250, recentSpanMs: RECENT_SPAN_MS, namespace, now: () => frozen };
    const isolates = Array.from({ length: 8 }, () => new RevocationSnapshot(fanInRevocationReader(upstash.reader, caches.default, options), 500));
    for (const snapshot of isolates) expect(await snapshot.sync(Date.now())).toBe(true);
    // One read for the whole live list, one for what came after it; the other seven isolates hit the cache.
    expect(upstash.reads()).toBe(2);
    for (const snapshot of isolates) expect((await snapshot.check(claims, Date.now(), background)).revoked).toBe(true);
  });

  it("shows a new revocation to every isolate within the next buckets", async () => {
    const tenant = await createTenant();
    const session = await signIn(tenant);
    const claims = decodePayload(session.token) as { sid: string; sub: string; iat: number };
    const upstash = countedUpstashReader();
    const namespace = crypto.randomUUID();
    const isolates = Array.from({ length: 4 }, () => new RevocationSnapshot(fanInRevocationReader(upstash.reader, caches.default, { bucketMs: 50, recentSpanMs: RECENT_SPAN_MS, namespace }), 100));
    for (const snapshot of isolates) expect((await snapshot.check(claims, Date.now(), background)).revoked).toBe(false);

    await logout(session.token);
    const deadline = Date.now() + 5_000;
    let seen = 0;
    while (seen < isolates.length && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 25));
      seen = 0;
      for (const snapshot of isolates) if ((await snapshot.check(claims, Date.now(), background)).revoked) seen += 1;
    }
    expect(seen).toBe(isolates.length);
  });

  it("keeps gates that read different lists apart", async () => {
    const upstash = countedUpstashReader();
    const first = new RevocationSnapshot(fanInRevocationReader(upstash.reader, caches.default, { bucketMs: 250, recentSpanMs: RECENT_SPAN_MS, namespace: crypto.randomUUID() }), 500);
    const second = new RevocationSnapshot(fanInRevocationReader(upstash.reader, caches.default, { bucketMs: 250, recentSpanMs: RECENT_SPAN_MS, namespace: crypto.randomUUID() }), 500);
    await first.sync(Date.now());
    await second.sync(Date.now());
    expect(upstash.reads()).toBe(4);
  });
});
