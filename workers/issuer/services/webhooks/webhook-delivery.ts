import { newId } from "../../../../shared/crypto/ids";
import { openSecret } from "../../../../shared/crypto/key-encryption";
import { webhookHeaders } from "../../../../shared/crypto/standard-webhooks";
import { webhookBody } from "../../../../shared/domain/webhook-events";
import { nextRetry } from "../../../../shared/domain/webhook-retry";
import { checkWebhookUrl } from "../../../../shared/domain/webhook-url";
import type { Logger } from "../../../../shared/logging/logger";
import type { AttemptOutcome, ClaimedDelivery, WebhookAttemptRecord, WebhookDeliveryLedger } from "../../../../shared/ports/webhook-store";

/** At most this much of an endpoint's answer is kept with the attempt. */
export const RESPONSE_EXCERPT_BYTES = 1_024;

export interface WebhookSenderDeps {
  readonly ledger: WebhookDeliveryLedger;
  readonly keyEncryptionSecret: string;
  readonly retryDelaysSeconds: readonly number[];
  readonly timeoutMs: number;
  readonly allowLoopbackHttp: boolean;
  readonly logger: Logger;
  readonly fetch: typeof fetch;
  readonly now: () => Date;
  readonly random: () => number;
}

/** What the queue consumer does with the message: drop it, or hand it back to the queue for later. */
export type DeliveryVerdict = { readonly kind: "done" } | { readonly kind: "retry"; readonly delaySeconds: number };

const DONE: DeliveryVerdict = { kind: "done" };

/**
 * Sends one delivery, records the attempt and decides what happens next. A delivery another
 * consumer holds, or that is no longer pending, is left alone: a duplicate queue message is harmless.
 */
export async function deliverWebhook(deps: WebhookSenderDeps, deliveryId: string): Promise<DeliveryVerdict> {
  const claimedAt = deps.now();
  // Held for the whole attempt and as long again with a margin for the database; a consumer that dies lets the claim lapse.
  const delivery = await deps.ledger.claim(deliveryId, claimedAt, new Date(claimedAt.getTime() + 2 * deps.timeoutMs + 10_000));
  if (!delivery) return DONE;
  if (!delivery.endpoint.enabled) {
    await deps.ledger.settle(delivery, null, { status: "dead", reason: "endpoint_disabled" }, deps.now());
    return DONE;
  }
  const attempt = await attemptDelivery(deps, delivery);
  const outcome = outcomeOf(deps, delivery, attempt);
  await deps.ledger.settle(delivery, attempt, outcome, deps.now());
  if (outcome.status === "pending") return { kind: "retry", delaySeconds: Math.max(1, Math.ceil((outcome.nextAttemptAt.getTime() - deps.now().getTime()) / 1000)) };
  return DONE;
}

function outcomeOf(deps: WebhookSenderDeps, delivery: ClaimedDelivery, attempt: WebhookAttemptRecord): AttemptOutcome {
  if (attempt.succeeded) return { status: "succeeded" };
  const decision = nextRetry(deps.retryDelaysSeconds, delivery.attempts + 1, deps.random());
  if (!decision.retry) return { status: "dead", reason: "retries_exhausted" };
  return { status: "pending", nextAttemptAt: new Date(attempt.attemptedAt.getTime() + attempt.latencyMs + decision.delaySeconds * 1000) };
}

async function attemptDelivery(deps: WebhookSenderDeps, delivery: ClaimedDelivery): Promise<WebhookAttemptRecord> {
  const attemptedAt = deps.now();
  const started = Date.now();
  const failed = (error: string, responseStatus: number | null = null, responseExcerpt: string | null = null): WebhookAttemptRecord => ({
    id: newId("att"),
    attemptedAt,
    succeeded: false,
    latencyMs: Date.now() - started,
    responseStatus,
    responseExcerpt,
    error,
  });
  // The address was checked when it was set; checked again, since the rules may have tightened since.
  if (!checkWebhookUrl(delivery.endpoint.url, { allowLoopbackHttp: deps.allowLoopbackHttp }).ok) return failed("url_refused");
  const secret = await openSecret(deps.keyEncryptionSecret, "webhook-secret", delivery.endpoint.sealedSecret, delivery.endpoint.id);
  if (secret === null) {
    deps.logger.error("webhook_secret_unreadable", { webhook_id: delivery.endpoint.id });
    return failed("secret_unreadable");
  }
  const body = webhookBody(delivery.event);
  const headers = await webhookHeaders({ secret, id: delivery.event.id, timestamp: attemptedAt, body });
  let response: Response;
  try {
    response = await deps.fetch(delivery.endpoint.url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json", "user-agent": "Portcullis-Webhooks/1" },
      body,
      // A redirect is an answer, not an instruction: following it could reach an address never checked.
      redirect: "manual",
      signal: AbortSignal.timeout(deps.timeoutMs),
    });
  } catch (error) {
    const timedOut = error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError");
    return failed(timedOut ? "timeout" : "network");
  }
  const excerpt = await readExcerpt(response);
  const latencyMs = Date.now() - started;
  if (response.status >= 200 && response.status < 300) {
    return { id: newId("att"), attemptedAt, succeeded: true, latencyMs, responseStatus: response.status, responseExcerpt: excerpt, error: null };
  }
  return { ...failed(response.status >= 300 && response.status < 400 ? "redirect" : "http_status", response.status, excerpt), latencyMs };
}

/** The first RESPONSE_EXCERPT_BYTES of the body as text; the rest is never read. */
async function readExcerpt(response: Response): Promise<string | null> {
  if (!response.body) return null;
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    while (size < RESPONSE_EXCERPT_BYTES) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      size += value.byteLength;
    }
  } catch {
    // A body cut short still gives what arrived.
  } finally {
    reader.cancel().catch(() => undefined);
  }
  const bytes = new Uint8Array(Math.min(size, RESPONSE_EXCERPT_BYTES));
  let offset = 0;
  for (const chunk of chunks) {
    const part = chunk.subarray(0, bytes.length - offset);
    bytes.set(part, offset);
    offset += part.length;
    if (offset >= bytes.length) break;
  }
  const text = new TextDecoder().decode(bytes);
  return text.length === 0 ? null : text;
}
