import type { Logger } from "../../../../shared/logging/logger";
import type { WebhookQueue } from "../../../../shared/ports/webhook-queue";
import type { WebhookDeliveryLedger } from "../../../../shared/ports/webhook-store";

const BATCH = 100;
/** One run moves at most this many; the next request or cron run takes the rest. */
const MAX_BATCHES_PER_RUN = 10;

export interface DispatchDeps {
  readonly ledger: WebhookDeliveryLedger;
  readonly queue: WebhookQueue;
  readonly logger: Logger;
  /** A delivery due longer than this without an attempt lost its queue message: it is enqueued again. */
  readonly lostMessageAfterMs: number;
}

/** The producer: moves due deliveries from the outbox onto the queue. Returns how many it moved. */
export async function dispatchDueDeliveries(deps: DispatchDeps, now: Date): Promise<number> {
  let moved = 0;
  for (let batch = 0; batch < MAX_BATCHES_PER_RUN; batch++) {
    const ids = await deps.ledger.takeDue(BATCH, now, new Date(now.getTime() - deps.lostMessageAfterMs));
    if (ids.length === 0) break;
    try {
      await deps.queue.send(ids);
    } catch (error) {
      await deps.ledger.release(ids);
      deps.logger.warn("webhook_enqueue_failed", { count: ids.length, error: error instanceof Error ? error.name : "unknown" });
      break;
    }
    moved += ids.length;
    if (ids.length < BATCH) break;
  }
  return moved;
}

/**
 * Runs the producer after requests that may have written events, at most one run at a time per
 * isolate: a request arriving during a run asks for one more run after it, so a burst of sign-ins
 * costs a handful of outbox reads, not one each. Only the request that started the run waits on it
 * (workerd ties I/O to the request that began it).
 */
export class WebhookDispatcher {
  readonly #deps: DispatchDeps;
  #running: Promise<void> | null = null;
  #again = false;

  constructor(deps: DispatchDeps) {
    this.#deps = deps;
  }

  /** Starts a run and returns it (for the caller's waitUntil), or asks the run under way for one more and returns null. Never rejects. */
  kick(): Promise<void> | null {
    if (this.#running) {
      this.#again = true;
      return null;
    }
    this.#running = this.#loop().finally(() => {
      this.#running = null;
    });
    return this.#running;
  }

  async #loop(): Promise<void> {
    do {
      this.#again = false;
      try {
        await dispatchDueDeliveries(this.#deps, new Date());
      } catch (error) {
        this.#deps.logger.warn("webhook_dispatch_failed", { error: error instanceof Error ? error.name : "unknown" });
        return;
      }
    } while (this.#again);
  }
}
