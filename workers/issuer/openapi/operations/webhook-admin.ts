import { z } from "zod";
import { WEBHOOK_EVENT_TYPES } from "../../../../shared/domain/webhook-events";
import { createWebhookSchema, deliveriesQuery, updateWebhookSchema } from "../../routes/webhook-admin";
import type { Operation } from "../operation";
import { id, timestamp } from "../schemas";

const webhook = z.object({
  webhook_id: id("whk"),
  tenant_id: id("tn"),
  url: z.string(),
  events: z.array(z.enum(WEBHOOK_EVENT_TYPES)),
  enabled: z.boolean(),
  disabled_reason: z.enum(["failing", "operator"]).nullable().meta({ description: "`failing` when the service turned the endpoint off after failing for days, `operator` when an operator did; null while enabled." }),
  failing_since: timestamp.nullable().meta({ description: "The first failed attempt since the last success; null while deliveries succeed." }),
  created_at: timestamp,
  updated_at: timestamp,
});

const attempt = z.object({
  attempt_id: id("att"),
  attempted_at: timestamp,
  succeeded: z.boolean(),
  latency_ms: z.number().int(),
  response_status: z.number().int().nullable().meta({ description: "The endpoint's HTTP status; null when no answer came." }),
  response_excerpt: z.string().nullable().meta({ description: "At most 1 KiB of the answer's body." }),
  error: z.enum(["timeout", "network", "redirect", "http_status", "url_refused", "secret_unreadable"]).nullable(),
});

const delivery = z.object({
  delivery_id: id("dlv"),
  webhook_id: id("whk"),
  event: z.object({ id: id("evt").meta({ description: "The `webhook-id` header: the same on every attempt." }), type: z.enum(WEBHOOK_EVENT_TYPES), timestamp }),
  status: z.enum(["pending", "succeeded", "dead"]),
  attempt_count: z.number().int(),
  next_attempt_at: timestamp.nullable(),
  dead_reason: z.enum(["retries_exhausted", "endpoint_disabled"]).nullable(),
  created_at: timestamp,
  attempts: z.array(attempt).meta({ description: "Newest first." }),
});

const params = { id: "The tenant's id (`tn_…`).", webhookId: "The webhook's id (`whk_…`)." };
const WRITE_ERRORS = ["idempotency_key_in_use", "idempotency_key_reused"] as const;

export const webhookAdminOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/admin/tenants/{id}/webhooks",
    tag: "outboundWebhooks",
    summary: "Add a webhook endpoint",
    description:
      "Events of the listed types are POSTed to `url`, signed as the Standard Webhooks specification says. `url` must be `https` to a public host (plain `http` to loopback only in the local stack); private, loopback, link-local and reserved addresses are refused. The `secret` (`whsec_…`) is shown only in this answer.",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    body: createWebhookSchema,
    bodyExample: { url: "https://app.example.com/webhooks/portcullis", events: ["user.created", "session.revoked"] },
    answers: { 201: { description: "The endpoint and its signing secret, shown once.", json: webhook.extend({ secret: z.string().meta({ description: "`whsec_` and the base64 of 32 random bytes." }) }) } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/webhooks",
    tag: "outboundWebhooks",
    summary: "List a tenant's webhook endpoints",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    answers: { 200: { description: "Every endpoint, oldest first (never a secret).", json: z.object({ webhooks: z.array(webhook) }) } },
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/webhooks/{webhookId}",
    tag: "outboundWebhooks",
    summary: "A webhook endpoint",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 200: { description: "The endpoint (never its secret).", json: webhook } },
  },
  {
    method: "patch",
    path: "/api/admin/tenants/{id}/webhooks/{webhookId}",
    tag: "outboundWebhooks",
    summary: "Change a webhook endpoint",
    description: "`enabled: true` turns an endpoint the service disabled back on and starts its failing streak afresh. Deliveries already made keep the URL they were sent to.",
    security: ["adminToken"],
    pathParameters: params,
    body: updateWebhookSchema,
    answers: { 200: { description: "The updated endpoint.", json: webhook } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "delete",
    path: "/api/admin/tenants/{id}/webhooks/{webhookId}",
    tag: "outboundWebhooks",
    summary: "Delete a webhook endpoint",
    description: "Its pending deliveries and history go with it; nothing more is sent to it.",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 204: { description: "Deleted." } },
    errors: ["invalid_request", "payload_too_large", ...WRITE_ERRORS],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/webhooks/{webhookId}/deliveries",
    tag: "outboundWebhooks",
    summary: "An endpoint's deliveries and their attempts",
    description: "Newest first, `limit` per page (1 to 100, default 50); pass `next_cursor` back as `cursor` for the next page. History is kept 30 days.",
    security: ["adminToken"],
    pathParameters: params,
    query: deliveriesQuery,
    answers: { 200: { description: "A page of deliveries.", json: z.object({ deliveries: z.array(delivery), next_cursor: z.string().nullable() }) } },
  },
  {
    method: "post",
    path: "/api/admin/tenants/{id}/webhooks/{webhookId}/deliveries/{deliveryId}/retry",
    tag: "outboundWebhooks",
    summary: "Send a delivery again",
    description: "Whatever its state, the delivery becomes pending with a fresh retry window and is queued at once. The receiver sees the same `webhook-id`, so it can tell a retry from a new event.",
    security: ["adminToken"],
    pathParameters: { ...params, deliveryId: "The delivery's id (`dlv_…`)." },
    answers: { 202: { description: "The delivery, pending.", json: delivery } },
    errors: ["invalid_request", "payload_too_large", ...WRITE_ERRORS],
  },
];
