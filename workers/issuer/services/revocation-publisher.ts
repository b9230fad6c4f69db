import type { Logger } from "../../../shared/logging/logger";
import type { RevocationList } from "../../../shared/ports/revocation-list";
import type { OutboxEntry, RevocationStore } from "../../../shared/ports/revocation-store";

/** How many queued revocations one publish carries at most. */
export const OUTBOX_BATCH = 200;
/** How long a drain holds the rows it claimed; a drain that dies lets them go after this. */
export const OUTBOX_CLAIM_MS = 60_000;
/** How long a revoking request keeps draining others' entries after publishing its own. */
export const REQUEST_DRAIN_BUDGET_MS = 1_000;
/** How long the cron keeps draining the backlog. */
export const CRON_DRAIN_BUDGET_MS = 20_000;

export interface DrainOptions {
  /** The entries this request queued: published first, whatever is queued ahead of them. */
  readonly first?: readonly string[];
  /** After which no new batch is started. */
  readonly budgetMs?: number;
  readonly now?: () => number;
}

/**
 * Moves queued revocations from the Postgres outbox to the Upstash list. Called
 * right after every revocation and by the cron; while Upstash is down the
 * entries stay queued, so no revocation is lost, only delayed. Each batch is
 * claimed first, so concurrent drains never publish the same rows, and a
 * request's own entries never wait behind a backlog.
 */
export async function drainRevocationOutbox(store: RevocationStore, list: RevocationList, logger: Logger, options: DrainOptions = {}): Promise<{ published: number; failed: number }> {
  const now = options.now ?? Date.now;
  const deadline = now() + (options.budgetMs ?? REQUEST_DRAIN_BUDGET_MS);
  const claim = (ids?: readonly string[]) => {
    const at = now();
    return store.claim({ limit: OUTBOX_BATCH, now: new Date(at), claimUntil: new Date(at + OUTBOX_CLAIM_MS), ...(ids ? { ids } : {}) });
  };
  const totals = { published: 0, failed: 0 };
  if (options.first && options.first.length > 0) {
    if (!(await publishBatch(store, list, logger, await claim(options.first), totals))) return totals;
  }
  while (now() < deadline) {
    const batch = await claim();
    if (batch.length === 0 || !(await publishBatch(store, list, logger, batch, totals))) break;
  }
  return totals;
}

/** False when Upstash refused the batch: the caller stops, and the rows wait for the next drain. */
async function publishBatch(store: RevocationStore, list: RevocationList, logger: Logger, batch: readonly OutboxEntry[], totals: { published: number; failed: number }): Promise<boolean> {
  if (batch.length === 0) return true;
  const ids = batch.map((entry) => entry.id);
  try {
    await list.publish(batch);
  } catch (error) {
    const name = error instanceof Error ? error.name : "unknown";
    logger.warn("revocation_publish_deferred", { queued: batch.length, error: name });
    await store.markFailed(ids, name);
    totals.failed += batch.length;
    return false;
  }
  await store.markPublished(ids);
  totals.published += batch.length;
  return true;
}
