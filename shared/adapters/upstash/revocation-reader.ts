import type { Redis } from "@upstash/redis/cloudflare";
import { legacyUserKey, REVOCATION_LOG_KEY, sessionKey, USER_MARK_MEMBER, userKey } from "../../domain/revocation-entries";
import type { RevocationReader } from "../../ports/revocation-reader";

/** The gate's reads of the revocation list: one command per sync, one per strict check. */
export function upstashRevocationReader(redis: Redis): RevocationReader {
  return {
    async logSince(sinceMs) {
      const members = await redis.zrange<string[]>(REVOCATION_LOG_KEY, Math.floor(sinceMs), "+inf", { byScore: true });
      return members.map(String);
    },
    async lookup(sessionId, userId) {
      // One round trip. The client turns numeric strings into numbers; both shapes are accepted.
      // A client's token has no session key to read.
      const keys = sessionId === null ? [legacyUserKey(userId)] : [legacyUserKey(userId), sessionKey(sessionId)];
      const [legacyMark, session, mark] = await redis
        .pipeline()
        .mget<(string | number | null)[]>(...keys)
        .zscore(userKey(userId), USER_MARK_MEMBER)
        .exec<[(string | number | null)[], string | number | null]>()
        .then(([values, score]) => [values[0], values[1] ?? null, score] as const);
      const marks = [legacyMark, mark].map(toMark).filter((value) => value !== null);
      return { sessionRevoked: session !== null && session !== undefined, userRevokedBefore: marks.length === 0 ? null : Math.max(...marks) };
    },
  };
}

function toMark(value: string | number | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  const mark = Number(value);
  return Number.isSafeInteger(mark) ? mark : null;
}
