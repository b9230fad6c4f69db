import { Webhook } from "standardwebhooks";
import { expect } from "vitest";
import { adminFetch, jsonRequest, smsSandboxUrl } from "./issuer-client";

/** What the sandbox's receiver kept of one delivery. */
export interface ReceivedWebhook {
  readonly endpoint: string;
  readonly webhook_id: string | null;
  readonly webhook_timestamp: string | null;
  readonly webhook_signature: string | null;
  readonly content_type: string | null;
  readonly body: string;
  readonly received_at: string;
}

export interface VerifiedEvent {
  readonly webhookId: string;
  readonly type: string;
  readonly timestamp: string;
  readonly data: Record<string, unknown>;
}

export interface CreatedWebhook {
  readonly webhook_id: string;
  readonly url: string;
  readonly events: string[];
  readonly secret: string;
  readonly enabled: boolean;
}

/** A fresh receiver endpoint name, so tests never read each other's deliveries. */
export function freshEndpoint(): string {
  return `t-${crypto.randomUUID().slice(0, 18)}`;
}

export function receiverUrl(endpoint: string): string {
  return `${smsSandboxUrl()}/webhooks/${endpoint}`;
}

export async function createWebhook(tenantId: string, endpoint: string, events: readonly string[]): Promise<CreatedWebhook> {
  const response = await adminFetch(`/api/admin/tenants/${tenantId}/webhooks`, jsonRequest("POST", { url: receiverUrl(endpoint), events }));
  expect(response.status, await response.clone().text()).toBe(201);
  return response.json<CreatedWebhook>();
}

export async function received(endpoint: string): Promise<ReceivedWebhook[]> {
  const response = await fetch(`${smsSandboxUrl()}/webhooks?endpoint=${endpoint}`);
  expect(response.status).toBe(200);
  return (await response.json<{ deliveries: ReceivedWebhook[] }>()).deliveries;
}

/** Each delivery checked as an independent receiver checks it (the `standardwebhooks` package), oldest first. */
export function verified(deliveries: readonly ReceivedWebhook[], secret: string): VerifiedEvent[] {
  const receiver = new Webhook(secret);
  return [...deliveries].reverse().map((delivery) => {
    const headers = { "webhook-id": delivery.webhook_id ?? "", "webhook-timestamp": delivery.webhook_timestamp ?? "", "webhook-signature": delivery.webhook_signature ?? "" };
    const payload = receiver.verify(delivery.body, headers) as { type: string; timestamp: string; data: Record<string, unknown> };
    return { webhookId: headers["webhook-id"], ...payload };
  });
}

/** Polls the receiver until `enough` holds for the verified events (oldest first), or fails after `timeoutMs`. */
export async function awaitEvents(endpoint: string, secret: string, enough: (events: VerifiedEvent[]) => boolean, timeoutMs = 20_000): Promise<VerifiedEvent[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const events = verified(await received(endpoint), secret);
    if (enough(events)) return events;
    if (Date.now() > deadline) throw new Error(`the receiver ${endpoint} has ${events.length} events: ${events.map((event) => event.type).join(", ") || "none"}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function setReceiverFault(endpoint: string, fault: { mode: "none" | "error_5xx" | "timeout" | "gone"; count?: number }): Promise<void> {
  const response = await fetch(`${smsSandboxUrl()}/__sandbox/webhook-faults/${endpoint}`, jsonRequest("PUT", fault));
  expect(response.status, await response.clone().text()).toBe(200);
}

export interface DeliveryBody {
  readonly delivery_id: string;
  readonly event: { readonly id: string; readonly type: string; readonly timestamp: string };
  readonly status: "pending" | "succeeded" | "dead";
  readonly attempt_count: number;
  readonly dead_reason: string | null;
  readonly attempts: { readonly succeeded: boolean; readonly response_status: number | null; readonly response_excerpt: string | null; readonly error: string | null; readonly latency_ms: number }[];
}

export async function deliveries(tenantId: string, webhookId: string, query = ""): Promise<{ deliveries: DeliveryBody[]; next_cursor: string | null }> {
  const response = await adminFetch(`/api/admin/tenants/${tenantId}/webhooks/${webhookId}/deliveries${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json();
}

/** Polls the deliveries API until `done` holds for the newest delivery. */
export async function awaitDelivery(tenantId: string, webhookId: string, done: (delivery: DeliveryBody) => boolean, timeoutMs = 20_000): Promise<DeliveryBody> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const [newest] = (await deliveries(tenantId, webhookId)).deliveries;
    if (newest && done(newest)) return newest;
    if (Date.now() > deadline) throw new Error(`the delivery did not get there: ${JSON.stringify(newest)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
