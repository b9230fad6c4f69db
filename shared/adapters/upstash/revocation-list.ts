import type { Redis } from "@upstash/redis/cloudflare";
import { encodeLogMember, REVOCATION_LIFETIME_MS, REVOCATION_LOG_KEY, revokedBeforeSeconds, sessionKey, userKey, type RevocationEntry } from "../../domain/revocation-entries";
import type { RevocationList } from "../../ports/revocation-list";
import type { OutboxEntry } from "../../ports/revocation-store";

/** Writes revocations to Upstash in one MULTI/EXEC, so the per-key entries and the log never disagree. */
export function upstashRevocationList(redis: Redis): RevocationList {
  return {
    async publish(entries) {
      if (entries.length === 0) return;
      const now = Date.now();
      const transaction = redis.multi();
      for (const outboxEntry of entries) {
        const entry = toEntry(outboxEntry);
        const expiresAtMs = entry.expiresAtSeconds * 1000;
        if (expiresAtMs <= now) continue;
        if (entry.kind === "session") transaction.set(sessionKey(entry.sessionId), "1", { pxat: expiresAtMs });
        else transaction.set(userKey(entry.userId), String(entry.revokedBeforeSeconds), { pxat: expiresAtMs });
        transaction.zadd(REVOCATION_LOG_KEY, { score: now, member: encodeLogMember(entry) });
      }
      transaction.zremrangebyscore(REVOCATION_LOG_KEY, 0, now - REVOCATION_LIFETIME_MS);
      await transaction.exec();
    },
  };
}

function toEntry(entry: OutboxEntry): RevocationEntry {
  const expiresAtSeconds = Math.ceil(entry.expiresAt.getTime() / 1000);
  return entry.kind === "session"
    ? { kind: "session", sessionId: entry.subjectId, expiresAtSeconds }
    : { kind: "user", userId: entry.subjectId, revokedBeforeSeconds: revokedBeforeSeconds(entry.at), expiresAtSeconds };
}
