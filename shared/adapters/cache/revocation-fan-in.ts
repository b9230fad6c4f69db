import { REVOCATION_LIFETIME_MS, REVOCATION_LOG_OVERLAP_MS } from "../../domain/revocation-entries";
import type { RevocationReader } from "../../ports/revocation-reader";

/** Reads that continue a full document go this far before its fetch, like the snapshot's own overlap. */
const CONTINUATION_OVERLAP_MS = REVOCATION_LOG_OVERLAP_MS;
/** A fresh or long-idle isolate loads the whole live list, shared per location for this long. */
export const FULL_BUCKET_MS = 60_000;

interface CachedLog {
  /** Every member with a score from this instant until `fetchedAt` is in `members`. */
  readonly coveredFrom: number;
  readonly fetchedAt: number;
  readonly members: readonly string[];
}

export interface FanInOptions {
  /** Length of a "recent" bucket: the staleness a shared document adds (half the sync interval). */
  readonly bucketMs: number;
  /**
   * How far back a "recent" document reaches: an isolate whose next read starts
   * within this span catches up from it. Must exceed the snapshot's read
   * overlap plus twice its sync interval plus one bucket.
   */
  readonly recentSpanMs: number;
  /** Separates gates that read different revocation lists (a hash of the Upstash URL). */
  readonly namespace: string;
  readonly now?: () => number;
}

/**
 * Fans the gate's revocation syncs in per location: the first isolate of a
 * data center to need a bucket reads Upstash and stores the answer in the
 * Cache API (`caches.default`, local to the data center); every other isolate
 * there reads it from the cache. Upstash sees about one read per bucket per
 * location, whatever the number of isolates. The strict per-request lookup is
 * not cached.
 */
export function fanInRevocationReader(inner: RevocationReader, cache: Cache, options: FanInOptions): RevocationReader {
  const now = options.now ?? Date.now;
  const base = `https://revocations.portcullis.internal/${options.namespace}`;

  async function shared(key: string, maxAgeSeconds: number, load: () => Promise<CachedLog>): Promise<CachedLog> {
    const url = `${base}/${key}`;
    const hit = await cache.match(url).catch(() => undefined);
    if (hit) {
      const cached = parseCachedLog(await hit.text().catch(() => ""));
      if (cached) return cached;
    }
    const fresh = await load();
    const response = new Response(JSON.stringify(fresh), { headers: { "Content-Type": "application/json", "Cache-Control": `max-age=${maxAgeSeconds}` } });
    await cache.put(url, response).catch(() => undefined);
    return fresh;
  }

  const fetchSince = async (from: number): Promise<CachedLog> => {
    const fetchedAt = now();
    return { coveredFrom: from, fetchedAt, members: await inner.logSince(from) };
  };
  const recentMaxAge = Math.max(1, Math.ceil((2 * options.bucketMs) / 1000));

  /** Members since `sinceMs` from this bucket's shared recent document, or null when it does not reach back that far. */
  async function fromRecent(sinceMs: number, at: number): Promise<readonly string[] | null> {
    if (sinceMs < at - options.recentSpanMs + options.bucketMs) return null;
    const bucket = Math.floor(at / options.bucketMs);
    const recent = await shared(`recent/${options.bucketMs}/${bucket}`, recentMaxAge, () => fetchSince(at - options.recentSpanMs));
    return recent.coveredFrom <= sinceMs ? recent.members : null;
  }

  return {
    async logSince(sinceMs) {
      const at = now();
      const recent = await fromRecent(sinceMs, at);
      if (recent) return [...recent];
      // A fresh or idle isolate: the whole live list, shared per location for a minute, then what came after it.
      const full = await shared(`full/${Math.floor(at / FULL_BUCKET_MS)}`, Math.ceil((2 * FULL_BUCKET_MS) / 1000), () => fetchSince(at - REVOCATION_LIFETIME_MS - REVOCATION_LOG_OVERLAP_MS));
      if (full.coveredFrom > sinceMs) return inner.logSince(sinceMs);
      const continueFrom = full.fetchedAt - CONTINUATION_OVERLAP_MS;
      const rest = (await fromRecent(continueFrom, at)) ?? (await inner.logSince(continueFrom));
      return [...full.members, ...rest];
    },
    lookup: (sessionId, userId) => inner.lookup(sessionId, userId),
  };
}

function parseCachedLog(text: string): CachedLog | null {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value !== "object" || value === null) return null;
    const { coveredFrom, fetchedAt, members } = value as { coveredFrom?: unknown; fetchedAt?: unknown; members?: unknown };
    if (typeof coveredFrom !== "number" || typeof fetchedAt !== "number" || !Array.isArray(members) || !members.every((member) => typeof member === "string")) return null;
    return { coveredFrom, fetchedAt, members: members };
  } catch {
    return null;
  }
}

/** A short, stable name for a URL, so gates reading different lists never share cache entries. */
export function cacheNamespace(value: string): string {
  let hash = 0x811c9dc5;
  for (let index = 0; index < value.length; index++) {
    hash ^= value.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}
