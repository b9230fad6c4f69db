import type { RedisCommand, RedisStore } from "../dev/upstash/redis-store";
import { newId } from "../shared/crypto/ids";
import { encodeLogMember, REVOCATION_LIFETIME_MS, REVOCATION_LOG_KEY, sessionKey } from "../shared/domain/revocation-entries";

/**
 * Fills a revocation list with `count` revoked sessions, in the issuer's
 * format (shared/domain/revocation-entries.ts): per session `SET rv:s:<sid> 1
 * PXAT <exp>` and a `rv:log` member scored with its publish time. The publish
 * times are spread over the last 40 minutes, as a list that built up over
 * time, so a gate's catch-up reads see only recent entries while a fresh
 * isolate loads them all. None of the bench users' sessions is among them.
 */
export async function loadRevokedSessions(store: RedisStore, count: number): Promise<void> {
  const now = Date.now();
  const spanMs = 40 * 60_000;
  const batch: RedisCommand[] = [];
  for (let index = 0; index < count; index += 1) {
    const publishedAt = now - spanMs + Math.floor((index * (spanMs - 60_000)) / count);
    const expiresAtMs = publishedAt + REVOCATION_LIFETIME_MS;
    const entry = { kind: "session" as const, sessionId: newId("ses"), expiresAtSeconds: Math.ceil(expiresAtMs / 1000) };
    batch.push(["SET", sessionKey(entry.sessionId), "1", "PXAT", String(entry.expiresAtSeconds * 1000)], ["ZADD", REVOCATION_LOG_KEY, String(publishedAt), encodeLogMember(entry)]);
    if (batch.length >= 2_000) await store.multi(batch.splice(0));
  }
  if (batch.length > 0) await store.multi(batch);
}
