import { legacyUserKey, REVOCATION_LOG_KEY, sessionKey, USER_MARK_MEMBER, userKey } from "../../domain/revocation-entries";
import type { RevocationReader } from "../../ports/revocation-reader";
import type { RedisConfig } from "./redis-client";
import { upstashRestPipeline, UpstashRestError } from "./rest-pipeline";

/** The gate's reads of the revocation list: one round trip per sync, one per strict check. */
export function upstashRevocationReader(config: RedisConfig): RevocationReader {
  const pipeline = upstashRestPipeline(config);
  return {
    async logSince(sinceMs) {
      const [members] = await pipeline([["ZRANGE", REVOCATION_LOG_KEY, String(Math.floor(sinceMs)), "+inf", "BYSCORE"]]);
      if (!Array.isArray(members)) throw new UpstashRestError("ZRANGE did not answer a list");
      return members.map(String);
    },
    async lookup(sessionId, userId) {
      // A client's token has no session key to read.
      const keys = sessionId === null ? [legacyUserKey(userId)] : [legacyUserKey(userId), sessionKey(sessionId)];
      const [values, mark] = await pipeline([
        ["MGET", ...keys],
        ["ZSCORE", userKey(userId), USER_MARK_MEMBER],
      ]);
      if (!Array.isArray(values)) throw new UpstashRestError("MGET did not answer a list");
      const [legacyMark, session] = values as unknown[];
      const marks = [legacyMark, mark].map(toMark).filter((value) => value !== null);
      return { sessionRevoked: session !== null && session !== undefined, userRevokedBefore: marks.length === 0 ? null : Math.max(...marks) };
    },
  };
}

/** Upstash answers numbers as strings; either shape is read. */
function toMark(value: unknown): number | null {
  if (typeof value !== "string" && typeof value !== "number") return null;
  const mark = Number(value);
  return Number.isSafeInteger(mark) ? mark : null;
}
