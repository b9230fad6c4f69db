/** The contract's webhook event types; an endpoint subscribes to a subset. */
export const WEBHOOK_EVENT_TYPES = [
  "user.created",
  "user.updated",
  "user.deleted",
  "session.created",
  "session.revoked",
  "user.locked_out",
  "mfa.enrolled",
  "mfa.removed",
] as const;

export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export function isWebhookEventType(value: string): value is WebhookEventType {
  return (WEBHOOK_EVENT_TYPES as readonly string[]).includes(value);
}

/** The Standard Webhooks envelope every delivery's body is. */
export interface WebhookEnvelope {
  readonly type: WebhookEventType;
  readonly timestamp: string;
  readonly data: Readonly<Record<string, unknown>>;
}

export function webhookBody(event: { readonly type: WebhookEventType; readonly occurredAt: Date; readonly data: Readonly<Record<string, unknown>> }): string {
  const envelope: WebhookEnvelope = { type: event.type, timestamp: event.occurredAt.toISOString(), data: event.data };
  return JSON.stringify(envelope);
}
