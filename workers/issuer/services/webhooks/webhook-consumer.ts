import type { WebhookQueueMessage } from "../../../../shared/ports/webhook-queue";
import type { IssuerDeps } from "../../deps";
import { deliverWebhook, type WebhookSenderDeps } from "./webhook-delivery";

/** A message the consumer could not settle (the database was down) comes back after this long. */
const SETTLE_FAILURE_DELAY_SECONDS = 30;

export function webhookSenderDeps(deps: IssuerDeps): WebhookSenderDeps {
  return {
    ledger: deps.webhookLedger,
    keyEncryptionSecret: deps.config.keyEncryptionSecret,
    retryDelaysSeconds: deps.config.webhooks.retryDelaysSeconds,
    timeoutMs: deps.config.webhooks.timeoutMs,
    allowLoopbackHttp: deps.config.webhooks.allowLoopbackHttp,
    logger: deps.logger,
    fetch: (input, init) => fetch(input, init),
    now: () => new Date(),
    random: Math.random,
  };
}

/** The queue consumer: each message is one delivery, sent side by side with the rest of its batch. */
export async function consumeWebhookBatch(batch: MessageBatch<WebhookQueueMessage>, deps: IssuerDeps): Promise<void> {
  const sender = webhookSenderDeps(deps);
  await Promise.all(
    batch.messages.map(async (message) => {
      const deliveryId = typeof message.body === "object" && message.body !== null ? message.body.delivery_id : undefined;
      if (typeof deliveryId !== "string") {
        deps.logger.warn("webhook_message_malformed", { message_id: message.id });
        message.ack();
        return;
      }
      try {
        const verdict = await deliverWebhook(sender, deliveryId);
        if (verdict.kind === "retry") message.retry({ delaySeconds: verdict.delaySeconds });
        else message.ack();
      } catch (error) {
        deps.logger.warn("webhook_delivery_failed", { delivery_id: deliveryId, error: error instanceof Error ? error.name : "unknown" });
        message.retry({ delaySeconds: SETTLE_FAILURE_DELAY_SECONDS });
      }
    }),
  );
}
