import type { Context, Hono } from "hono";
import { z } from "zod";
import { isId, type IdPrefix } from "../../../shared/crypto/ids";
import { WEBHOOK_EVENT_TYPES } from "../../../shared/domain/webhook-events";
import { err, ok } from "../../../shared/errors/result";
import type { AppEnv } from "../../../shared/http/create-app";
import { resource } from "../../../shared/http/create-app";
import { expectNoBody } from "../../../shared/http/json-body";
import { queryInput, queryInteger } from "../../../shared/http/query-input";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import {
  createWebhook,
  deleteWebhook,
  getWebhook,
  listDeliveries,
  listWebhooks,
  retryDelivery,
  updateWebhook,
  type WebhookAdminDeps,
} from "../services/webhooks/webhook-endpoints";

const url = z.string().min(1).max(2048);
const events = z
  .array(z.enum(WEBHOOK_EVENT_TYPES, { error: `must be event types: ${WEBHOOK_EVENT_TYPES.join(", ")}.` }))
  .min(1, "must name at least one event type.")
  .max(WEBHOOK_EVENT_TYPES.length)
  .refine((list) => new Set(list).size === list.length, "must not repeat an event type.");

export const createWebhookSchema = z.strictObject({ url, events });
export const updateWebhookSchema = z.strictObject({ url: url.optional(), events: events.optional(), enabled: z.boolean().optional() });
export const deliveriesQuery = z.strictObject({ limit: queryInteger(1, 100).default(50), cursor: z.string().max(200).optional() });

/** Path ids are checked for shape before any query: a malformed id is simply not found. */
function idParam(prefix: IdPrefix, value: string | undefined) {
  return value !== undefined && isId(prefix, value) ? ok(value) : err({ reason: "not_found" as const });
}

function adminDeps(deps: IssuerDeps, waitUntil: (work: Promise<void>) => void): WebhookAdminDeps {
  return {
    tenants: deps.tenants,
    webhooks: deps.webhooks,
    keyEncryptionSecret: deps.config.keyEncryptionSecret,
    allowLoopbackHttp: deps.config.webhooks.allowLoopbackHttp,
    dispatchSoon: () => {
      const run = deps.webhookDispatcher.kick();
      if (run) waitUntil(run);
    },
  };
}

/** `/api/admin/tenants/{id}/webhooks`: registered after the admin routes, whose middleware (admin token, Idempotency-Key) covers these. */
export function webhookAdminRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  const depsOf = (c: Context<AppEnv<IssuerBindings>>) =>
    adminDeps(c.get("deps"), (work) => {
      try {
        c.executionCtx.waitUntil(work);
      } catch {
        // No execution context: the run finishes on its own.
      }
    });

  resource(app, "/api/admin/tenants/:id/webhooks", {
    POST: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const input = await jsonInput(c, createWebhookSchema);
      if (!input.ok) return respond(input);
      return respond(await createWebhook(depsOf(c), c.get("audit"), id.value, input.value, new Date()), 201);
    },
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      return respond(await listWebhooks(depsOf(c), id.value));
    },
  });

  resource(app, "/api/admin/tenants/:id/webhooks/:webhookId", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const webhookId = idParam("whk", c.req.param("webhookId"));
      if (!id.ok) return respond(id);
      if (!webhookId.ok) return respond(webhookId);
      return respond(await getWebhook(depsOf(c), id.value, webhookId.value));
    },
    PATCH: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const webhookId = idParam("whk", c.req.param("webhookId"));
      if (!id.ok) return respond(id);
      if (!webhookId.ok) return respond(webhookId);
      const input = await jsonInput(c, updateWebhookSchema);
      if (!input.ok) return respond(input);
      const body = input.value;
      const changes = {
        ...(body.url === undefined ? {} : { url: body.url }),
        ...(body.events === undefined ? {} : { events: body.events }),
        ...(body.enabled === undefined ? {} : { enabled: body.enabled }),
      };
      return respond(await updateWebhook(depsOf(c), c.get("audit"), id.value, webhookId.value, changes, new Date()));
    },
    DELETE: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const webhookId = idParam("whk", c.req.param("webhookId"));
      if (!id.ok) return respond(id);
      if (!webhookId.ok) return respond(webhookId);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return noContent(await deleteWebhook(depsOf(c), c.get("audit"), id.value, webhookId.value));
    },
  });

  resource(app, "/api/admin/tenants/:id/webhooks/:webhookId/deliveries", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const webhookId = idParam("whk", c.req.param("webhookId"));
      if (!id.ok) return respond(id);
      if (!webhookId.ok) return respond(webhookId);
      const query = queryInput(c, deliveriesQuery);
      if (!query.ok) return respond(query);
      return respond(await listDeliveries(depsOf(c), id.value, webhookId.value, { limit: query.value.limit, cursor: query.value.cursor ?? null }));
    },
  });

  resource(app, "/api/admin/tenants/:id/webhooks/:webhookId/deliveries/:deliveryId/retry", {
    POST: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const webhookId = idParam("whk", c.req.param("webhookId"));
      const deliveryId = idParam("dlv", c.req.param("deliveryId"));
      if (!id.ok) return respond(id);
      if (!webhookId.ok) return respond(webhookId);
      if (!deliveryId.ok) return respond(deliveryId);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return respond(await retryDelivery(depsOf(c), c.get("audit"), id.value, webhookId.value, deliveryId.value, new Date()), 202);
    },
  });
}
