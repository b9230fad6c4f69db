import type { WebhookEventType } from "../domain/webhook-events";

export type WebhookDeliveryStatus = "pending" | "succeeded" | "dead";

export interface WebhookEndpointRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly url: string;
  readonly events: readonly WebhookEventType[];
  /** The `whsec_…` secret, sealed ("webhook-secret", context: the endpoint id). */
  readonly sealedSecret: string;
  readonly enabled: boolean;
  readonly disabledReason: string | null;
  readonly failingSince: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface WebhookAttemptRecord {
  readonly id: string;
  readonly attemptedAt: Date;
  readonly succeeded: boolean;
  readonly latencyMs: number;
  readonly responseStatus: number | null;
  readonly responseExcerpt: string | null;
  readonly error: string | null;
}

export interface WebhookDeliveryRecord {
  readonly id: string;
  readonly endpointId: string;
  readonly event: { readonly id: string; readonly type: WebhookEventType; readonly occurredAt: Date };
  readonly status: WebhookDeliveryStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Date | null;
  readonly deadReason: string | null;
  readonly createdAt: Date;
  /** Newest first. */
  readonly attemptLog: readonly WebhookAttemptRecord[];
}

/** A page of deliveries, newest first; the cursor is `(created_at, id)` of the last one. */
export interface DeliveryPage {
  readonly deliveries: readonly WebhookDeliveryRecord[];
  readonly next: { readonly createdAt: Date; readonly id: string } | null;
}

/** The endpoints and their delivery history, as the admin API sees them. */
export interface WebhookEndpointStore {
  create(endpoint: Omit<WebhookEndpointRecord, "createdAt" | "updatedAt" | "disabledReason" | "failingSince">, now: Date): Promise<"created" | "no_tenant">;
  list(tenantId: string): Promise<WebhookEndpointRecord[]>;
  find(tenantId: string, id: string): Promise<WebhookEndpointRecord | null>;
  update(tenantId: string, id: string, changes: { readonly url?: string; readonly events?: readonly WebhookEventType[]; readonly enabled?: boolean }, now: Date): Promise<WebhookEndpointRecord | null>;
  remove(tenantId: string, id: string): Promise<boolean>;
  deliveries(tenantId: string, endpointId: string, page: { readonly limit: number; readonly after: { readonly createdAt: Date; readonly id: string } | null }): Promise<DeliveryPage>;
  /** Makes the delivery due now with a fresh retry window; null when there is no such delivery. */
  reopenDelivery(tenantId: string, endpointId: string, deliveryId: string, now: Date): Promise<WebhookDeliveryRecord | null>;
}

/** What the consumer needs to send one delivery. */
export interface ClaimedDelivery {
  readonly id: string;
  readonly tenantId: string;
  readonly attempts: number;
  readonly windowStartedAt: Date;
  readonly event: { readonly id: string; readonly type: WebhookEventType; readonly occurredAt: Date; readonly data: Readonly<Record<string, unknown>> };
  readonly endpoint: { readonly id: string; readonly url: string; readonly sealedSecret: string; readonly enabled: boolean };
}

export type AttemptOutcome =
  | { readonly status: "succeeded" }
  | { readonly status: "pending"; readonly nextAttemptAt: Date }
  | { readonly status: "dead"; readonly reason: "retries_exhausted" | "endpoint_disabled" };

/** The delivery side: the producer's outbox reads and the consumer's claims and records. */
export interface WebhookDeliveryLedger {
  /**
   * Marks up to `limit` due deliveries as enqueued and returns their ids: those never enqueued,
   * and those due before `staleBefore` (their queue message was lost).
   */
  takeDue(limit: number, now: Date, staleBefore: Date): Promise<string[]>;
  /** Forgets that these were enqueued (the queue refused them), so the next producer run takes them. */
  release(ids: readonly string[]): Promise<void>;
  /** The delivery with its event and endpoint, held until `claimUntil`; null when it is not pending or another consumer holds it. */
  claim(deliveryId: string, now: Date, claimUntil: Date): Promise<ClaimedDelivery | null>;
  /** Records the attempt (when one was made) and the delivery's new state, releasing the claim; and the endpoint's failing streak. */
  settle(delivery: ClaimedDelivery, attempt: WebhookAttemptRecord | null, outcome: AttemptOutcome, now: Date): Promise<void>;
  /** Disables enabled endpoints failing since before `before`; returns them. */
  disableFailing(before: Date, now: Date): Promise<{ readonly id: string; readonly tenantId: string; readonly failingSince: Date }[]>;
  /** Deletes events (with their deliveries and attempts) that occurred before `before` and are no longer pending. */
  purge(before: Date): Promise<number>;
  /** Counts for health: pending deliveries and the oldest due one. */
  backlog(now: Date): Promise<{ readonly pending: number; readonly oldestDueAt: Date | null }>;
}
