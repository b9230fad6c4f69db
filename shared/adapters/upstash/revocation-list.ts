import type { Redis } from "@upstash/redis/cloudflare";
import { encodeLogMember, REVOCATION_LIFETIME_MS, REVOCATION_LOG_KEY, REVOCATION_LOG_LANDING_MS, REVOCATION_LOG_OVERLAP_MS, revokedBeforeSeconds, sessionKey, USER_MARK_MEMBER, userKey, type RevocationEntry } from "../../domain/revocation-entries";
import type { RevocationList } from "../../ports/revocation-list";
import type { OutboxEntry } from "../../ports/revocation-store";

/** How often one publish re-scores entries that landed late before it leaves them to the outbox. */
const LANDING_ATTEMPTS = 2;

export class LateRevocationWriteError extends Error {
  override readonly name = "LateRevocationWriteError";
}

/**
 * Writes revocations to Upstash in one MULTI/EXEC, so the per-key entries and the log never disagree.
 *
 * The log score is Redis's own clock, read just before the transaction, and the
 * transaction reads the clock again as it runs: an entry that landed more than
 * `REVOCATION_LOG_LANDING_MS` after its score (a slow network, a stalled
 * request) is written again with a fresh score, so gates that synced in between
 * still read it. `GT` keeps a delayed older write from moving a score back.
 * Give this adapter a client without retries: the outbox retries, with a new score.
 */
export function upstashRevocationList(redis: Redis, landingMs = REVOCATION_LOG_LANDING_MS): RevocationList {
  return {
    async publish(outboxEntries) {
      if (outboxEntries.length === 0) return;
      const entries = outboxEntries.map(toEntry);
      for (let attempt = 0; attempt < LANDING_ATTEMPTS; attempt++) {
        const score = timeMs(await redis.time());
        const transaction = redis.multi();
        for (const entry of entries) {
          const expiresAtMs = entry.expiresAtSeconds * 1000;
          if (expiresAtMs <= score) continue;
          if (entry.kind === "session") transaction.set(sessionKey(entry.sessionId), "1", { pxat: expiresAtMs });
          else {
            // GT: a mark only rises, so an older revocation published after a newer one (a
            // backlog drained late) never lowers it. Its expiry is set if it has none, then only raised.
            transaction.zadd(userKey(entry.userId), { gt: true }, { score: entry.revokedBeforeSeconds, member: USER_MARK_MEMBER });
            transaction.pexpireat(userKey(entry.userId), expiresAtMs, "NX");
            transaction.pexpireat(userKey(entry.userId), expiresAtMs, "GT");
          }
          transaction.zadd(REVOCATION_LOG_KEY, { gt: true }, { score, member: encodeLogMember(entry) });
        }
        transaction.zremrangebyscore(REVOCATION_LOG_KEY, 0, score - REVOCATION_LIFETIME_MS - REVOCATION_LOG_OVERLAP_MS);
        transaction.time();
        const replies: unknown[] = await transaction.exec();
        const landedAt = timeMs(replies[replies.length - 1]);
        if (landedAt - score <= landingMs) return;
      }
      throw new LateRevocationWriteError("the revocation log write kept landing late");
    },
  };
}

/** Redis TIME, `[seconds, microseconds]` (numbers or numeric strings), in milliseconds. */
function timeMs(reply: unknown): number {
  if (!Array.isArray(reply) || reply.length !== 2) throw new Error("unexpected TIME reply");
  const [seconds, micros] = reply.map(Number) as [number, number];
  if (!Number.isSafeInteger(seconds) || !Number.isSafeInteger(micros)) throw new Error("unexpected TIME reply");
  return seconds * 1000 + Math.floor(micros / 1000);
}

function toEntry(entry: OutboxEntry): RevocationEntry {
  const expiresAtSeconds = Math.ceil(entry.expiresAt.getTime() / 1000);
  return entry.kind === "session"
    ? { kind: "session", sessionId: entry.subjectId, expiresAtSeconds }
    : { kind: "user", userId: entry.subjectId, revokedBeforeSeconds: revokedBeforeSeconds(entry.at), expiresAtSeconds };
}
