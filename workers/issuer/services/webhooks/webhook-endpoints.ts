import { newId } from "../../../../shared/crypto/ids";
import { sealSecret } from "../../../../shared/crypto/key-encryption";
import { generateWebhookSecret } from "../../../../shared/crypto/standard-webhooks";
import { decodeCursor, encodeCursor } from "../../../../shared/domain/page-cursor";
import type { WebhookEventType } from "../../../../shared/domain/webhook-events";
import { checkWebhookUrl } from "../../../../shared/domain/webhook-url";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { WebhookDeliveryRecord, WebhookEndpointRecord, WebhookEndpointStore } from "../../../../shared/ports/webhook-store";
import type { AuditRecorder } from "../audit-recorder";

export const MAX_WEBHOOKS_PER_TENANT = 20;

export interface WebhookAdminDeps {
  readonly tenants: TenantRepository;
  readonly webhooks: WebhookEndpointStore;
  readonly keyEncryptionSecret: string;
  /** Plain `http` to a loopback address is allowed only in the local stack. */
  readonly allowLoopbackHttp: boolean;
  /** Asks the producer to put a reopened delivery on the queue at once. */
  readonly dispatchSoon: () => void;
}

/** What the admin API shows of an endpoint: never its secret, which is shown once, on creation. */
export interface WebhookView {
  readonly webhook_id: string;
  readonly tenant_id: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  readonly enabled: boolean;
  /** `failing` when the service turned it off, `operator` when an operator did; null while enabled. */
  readonly disabled_reason: string | null;
  /** The first failed attempt since the last success; null while deliveries succeed. */
  readonly failing_since: string | null;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface DeliveryView {
  readonly delivery_id: string;
  readonly webhook_id: string;
  readonly event: { readonly id: string; readonly type: WebhookEventType; readonly timestamp: string };
  readonly status: WebhookDeliveryRecord["status"];
  readonly attempt_count: number;
  readonly next_attempt_at: string | null;
  readonly dead_reason: string | null;
  readonly created_at: string;
  readonly attempts: readonly {
    readonly attempt_id: string;
    readonly attempted_at: string;
    readonly succeeded: boolean;
    readonly latency_ms: number;
    readonly response_status: number | null;
    readonly response_excerpt: string | null;
    readonly error: string | null;
  }[];
}

const noSuchTenant: Failure = { reason: "not_found", message: "No such tenant." };
const noSuchWebhook: Failure = { reason: "not_found", message: "No such webhook." };
const noSuchDelivery: Failure = { reason: "not_found", message: "No such delivery." };
const badCursor: Failure = { reason: "invalid_request", field: "query.cursor", message: "Not a cursor from a previous page." };

function urlRefusal(deps: WebhookAdminDeps, url: string): Failure | null {
  const checked = checkWebhookUrl(url, { allowLoopbackHttp: deps.allowLoopbackHttp });
  return checked.ok ? null : { reason: "invalid_request", field: "url", message: checked.reason };
}

export async function createWebhook(
  deps: WebhookAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  input: { readonly url: string; readonly events: readonly WebhookEventType[] },
  now: Date,
): Promise<Result<WebhookView & { readonly secret: string }, Failure>> {
  const refusal = urlRefusal(deps, input.url);
  if (refusal) return err(refusal);
  if (!(await deps.tenants.find(tenantId))) return err(noSuchTenant);
  // A soft cap: two creates racing at the limit may both land, which is harmless.
  if ((await deps.webhooks.list(tenantId)).length >= MAX_WEBHOOKS_PER_TENANT) {
    return err({ reason: "invalid_request", field: "url", message: `a tenant can have at most ${MAX_WEBHOOKS_PER_TENANT} webhooks; delete one first.` });
  }
  const id = newId("whk");
  const secret = generateWebhookSecret();
  const record = { id, tenantId, url: input.url, events: input.events, sealedSecret: await sealSecret(deps.keyEncryptionSecret, "webhook-secret", secret, id), enabled: true };
  if ((await deps.webhooks.create(record, now)) === "no_tenant") return err(noSuchTenant);
  audit.record("webhook.created", "success", { tenantId, details: { webhook_id: id, events: input.events } });
  return ok({ ...webhookView({ ...record, disabledReason: null, failingSince: null, createdAt: now, updatedAt: now }), secret });
}

export async function listWebhooks(deps: WebhookAdminDeps, tenantId: string): Promise<Result<{ webhooks: WebhookView[] }, Failure>> {
  if (!(await deps.tenants.find(tenantId))) return err(noSuchTenant);
  return ok({ webhooks: (await deps.webhooks.list(tenantId)).map(webhookView) });
}

export async function getWebhook(deps: WebhookAdminDeps, tenantId: string, webhookId: string): Promise<Result<WebhookView, Failure>> {
  const endpoint = await deps.webhooks.find(tenantId, webhookId);
  return endpoint ? ok(webhookView(endpoint)) : err(noSuchWebhook);
}

export async function updateWebhook(
  deps: WebhookAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  webhookId: string,
  changes: { readonly url?: string; readonly events?: readonly WebhookEventType[]; readonly enabled?: boolean },
  now: Date,
): Promise<Result<WebhookView, Failure>> {
  const refusal = changes.url === undefined ? null : urlRefusal(deps, changes.url);
  if (refusal) return err(refusal);
  const updated = await deps.webhooks.update(tenantId, webhookId, changes, now);
  if (!updated) return err(noSuchWebhook);
  audit.record("webhook.updated", "success", { tenantId, details: { webhook_id: webhookId, fields: Object.keys(changes), ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }) } });
  return ok(webhookView(updated));
}

/** Deleting an endpoint deletes its deliveries and their attempts; nothing more is sent to it. */
export async function deleteWebhook(deps: WebhookAdminDeps, audit: AuditRecorder, tenantId: string, webhookId: string): Promise<Result<null, Failure>> {
  if (!(await deps.webhooks.remove(tenantId, webhookId))) return err(noSuchWebhook);
  audit.record("webhook.deleted", "success", { tenantId, details: { webhook_id: webhookId } });
  return ok(null);
}

export async function listDeliveries(
  deps: WebhookAdminDeps,
  tenantId: string,
  webhookId: string,
  page: { readonly limit: number; readonly cursor: string | null },
): Promise<Result<{ deliveries: DeliveryView[]; next_cursor: string | null }, Failure>> {
  const after = page.cursor === null ? null : decodeCursor(page.cursor);
  if (page.cursor !== null && after === null) return err(badCursor);
  if (!(await deps.webhooks.find(tenantId, webhookId))) return err(noSuchWebhook);
  const result = await deps.webhooks.deliveries(tenantId, webhookId, { limit: page.limit, after });
  return ok({ deliveries: result.deliveries.map(deliveryView), next_cursor: result.next === null ? null : encodeCursor(result.next) });
}

/**
 * Sends the delivery again, whatever its state: it becomes pending with a fresh retry window, and
 * the producer puts it on the queue at once. The receiver sees the same `webhook-id` as before.
 */
export async function retryDelivery(
  deps: WebhookAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  webhookId: string,
  deliveryId: string,
  now: Date,
): Promise<Result<DeliveryView, Failure>> {
  const reopened = await deps.webhooks.reopenDelivery(tenantId, webhookId, deliveryId, now);
  if (!reopened) return err(noSuchDelivery);
  deps.dispatchSoon();
  audit.record("webhook.delivery_retried", "success", { tenantId, details: { webhook_id: webhookId, delivery_id: deliveryId, event_id: reopened.event.id } });
  return ok(deliveryView(reopened));
}

export function webhookView(endpoint: WebhookEndpointRecord): WebhookView {
  return {
    webhook_id: endpoint.id,
    tenant_id: endpoint.tenantId,
    url: endpoint.url,
    events: endpoint.events,
    enabled: endpoint.enabled,
    disabled_reason: endpoint.enabled ? null : endpoint.disabledReason,
    failing_since: endpoint.failingSince?.toISOString() ?? null,
    created_at: endpoint.createdAt.toISOString(),
    updated_at: endpoint.updatedAt.toISOString(),
  };
}

function deliveryView(delivery: WebhookDeliveryRecord): DeliveryView {
  return {
    delivery_id: delivery.id,
    webhook_id: delivery.endpointId,
    event: { id: delivery.event.id, type: delivery.event.type, timestamp: delivery.event.occurredAt.toISOString() },
    status: delivery.status,
    attempt_count: delivery.attempts,
    next_attempt_at: delivery.nextAttemptAt?.toISOString() ?? null,
    dead_reason: delivery.deadReason,
    created_at: delivery.createdAt.toISOString(),
    attempts: delivery.attemptLog.map((attempt) => ({
      attempt_id: attempt.id,
      attempted_at: attempt.attemptedAt.toISOString(),
      succeeded: attempt.succeeded,
      latency_ms: attempt.latencyMs,
      response_status: attempt.responseStatus,
      response_excerpt: attempt.responseExcerpt,
      error: attempt.error,
    })),
  };
}
