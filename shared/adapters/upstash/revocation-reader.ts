import type { Redis } from "@upstash/redis/cloudflare";
import { REVOCATION_LOG_KEY, sessionKey, userKey } from "../../domain/revocation-entries";
import type { RevocationReader } from "../../ports/revocation-reader";

/** The gate's reads of the revocation list: one command per sync, one per strict check. */
export function upstashRevocationReader(redis: Redis): RevocationReader {
  return {
    async logSince(sinceMs) {
      const members = await redis.zrange<string[]>(REVOCATION_LOG_KEY, Math.floor(sinceMs), "+inf", { byScore: true });
      return members.map(String);
    },
    async lookup(sessionId, userId) {
      // The client turns numeric strings into numbers; both shapes are accepted.
      const [session, user] = await redis.mget<(string | number | null)[]>(sessionKey(sessionId), userKey(userId));
      const before = user === null || user === undefined ? null : Number(user);
      return { sessionRevoked: session !== null && session !== undefined, userRevokedBefore: before !== null && Number.isSafeInteger(before) ? before : null };
    },
  };
}
