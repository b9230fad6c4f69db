import type { WebhookQueue, WebhookQueueMessage } from "../../ports/webhook-queue";

/** Cloudflare Queues takes at most 100 messages per sendBatch. */
const MAX_BATCH = 100;

export function cloudflareWebhookQueue(queue: Queue<WebhookQueueMessage>): WebhookQueue {
  return {
    async send(deliveryIds) {
      for (let start = 0; start < deliveryIds.length; start += MAX_BATCH) {
        const batch = deliveryIds.slice(start, start + MAX_BATCH).map((id) => ({ body: { delivery_id: id }, contentType: "json" as const }));
        await queue.sendBatch(batch);
      }
    },
  };
}
