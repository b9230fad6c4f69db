import type { Logger } from "../../../shared/logging/logger";
import type { RevocationList } from "../../../shared/ports/revocation-list";
import type { RevocationStore } from "../../../shared/ports/revocation-store";

/** How many queued revocations one drain publishes at most. */
export const OUTBOX_BATCH = 200;

/**
 * Moves queued revocations from the Postgres outbox to the Upstash list. Called
 * right after every revocation and by the cron; while Upstash is down the
 * entries stay queued, so no revocation is lost, only delayed.
 */
export async function drainRevocationOutbox(store: RevocationStore, list: RevocationList, logger: Logger): Promise<{ published: number; failed: number }> {
  const pending = await store.pending(OUTBOX_BATCH);
  if (pending.length === 0) return { published: 0, failed: 0 };
  const ids = pending.map((entry) => entry.id);
  try {
    await list.publish(pending);
  } catch (error) {
    const name = error instanceof Error ? error.name : "unknown";
    logger.warn("revocation_publish_deferred", { queued: pending.length, error: name });
    await store.markFailed(ids, name);
    return { published: 0, failed: pending.length };
  }
  await store.markPublished(ids);
  return { published: pending.length, failed: 0 };
}
