import { and, eq, sql } from "drizzle-orm";
import { webhookEndpoints } from "../../../drizzle/schema";
import type { WebhookEventType } from "../../domain/webhook-events";
import type {
  ClaimedDelivery,
  WebhookAttemptRecord,
  WebhookDeliveryLedger,
  WebhookDeliveryRecord,
  WebhookDeliveryStatus,
  WebhookEndpointRecord,
  WebhookEndpointStore,
} from "../../ports/webhook-store";
import { isForeignKeyViolation } from "./constraint-violation";
import type { Database } from "./database";

type EndpointRow = typeof webhookEndpoints.$inferSelect;

function toEndpoint(row: EndpointRow): WebhookEndpointRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    url: row.url,
    events: row.events as WebhookEventType[],
    sealedSecret: row.sealedSecret,
    enabled: row.enabled,
    disabledReason: row.disabledReason,
    failingSince: row.failingSince,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

const at = (value: Date | string | null): Date | null => (value === null ? null : new Date(value));
const iso = (value: Date) => value.toISOString();

type DeliveryRow = {
  id: string;
  endpoint_id: string;
  event_id: string;
  event_type: string;
  occurred_at: string;
  status: WebhookDeliveryStatus;
  attempts: number;
  next_attempt_at: string;
  dead_reason: string | null;
  created_at: string;
  attempt_log: { id: string; attempted_at: string; succeeded: boolean; latency_ms: number; response_status: number | null; response_excerpt: string | null; error: string | null }[] | null;
};

/** A delivery with its event and its attempts (newest first), one row per delivery. */
const DELIVERY_COLUMNS = sql`
  d.id, d.endpoint_id, d.event_id, e.type as event_type, e.occurred_at, d.status, d.attempts, d.next_attempt_at, d.dead_reason, d.created_at,
  (select json_agg(json_build_object('id', a.id, 'attempted_at', a.attempted_at, 'succeeded', a.succeeded, 'latency_ms', a.latency_ms,
      'response_status', a.response_status, 'response_excerpt', a.response_excerpt, 'error', a.error) order by a.attempted_at desc, a.id desc)
   from webhook_attempts a where a.delivery_id = d.id) as attempt_log`;

function toDelivery(row: DeliveryRow): WebhookDeliveryRecord {
  return {
    id: row.id,
    endpointId: row.endpoint_id,
    event: { id: row.event_id, type: row.event_type as WebhookEventType, occurredAt: new Date(row.occurred_at) },
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.status === "pending" ? new Date(row.next_attempt_at) : null,
    deadReason: row.dead_reason,
    createdAt: new Date(row.created_at),
    attemptLog: (row.attempt_log ?? []).map(
      (attempt): WebhookAttemptRecord => ({
        id: attempt.id,
        attemptedAt: new Date(attempt.attempted_at),
        succeeded: attempt.succeeded,
        latencyMs: attempt.latency_ms,
        responseStatus: attempt.response_status,
        responseExcerpt: attempt.response_excerpt,
        error: attempt.error,
      }),
    ),
  };
}

export function neonWebhookEndpointStore(db: Database): WebhookEndpointStore {
  return {
    async create(endpoint, now) {
      try {
        await db.insert(webhookEndpoints).values({ ...endpoint, events: [...endpoint.events], createdAt: now, updatedAt: now });
        return "created";
      } catch (error) {
        if (isForeignKeyViolation(error)) return "no_tenant";
        throw error;
      }
    },
    async list(tenantId) {
      const rows = await db.select().from(webhookEndpoints).where(eq(webhookEndpoints.tenantId, tenantId)).orderBy(webhookEndpoints.createdAt, webhookEndpoints.id);
      return rows.map(toEndpoint);
    },
    async find(tenantId, id) {
      const [row] = await db.select().from(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id))).limit(1);
      return row ? toEndpoint(row) : null;
    },
    async update(tenantId, id, changes, now) {
      const enabling = changes.enabled === true;
      const [row] = await db
        .update(webhookEndpoints)
        .set({
          ...(changes.url === undefined ? {} : { url: changes.url }),
          ...(changes.events === undefined ? {} : { events: [...changes.events] }),
          ...(changes.enabled === undefined ? {} : { enabled: changes.enabled, disabledReason: changes.enabled ? null : "operator" }),
          // Turning an endpoint back on starts its failing streak afresh.
          ...(enabling ? { failingSince: null } : {}),
          updatedAt: now,
        })
        .where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id)))
        .returning();
      return row ? toEndpoint(row) : null;
    },
    async remove(tenantId, id) {
      const rows = await db.delete(webhookEndpoints).where(and(eq(webhookEndpoints.tenantId, tenantId), eq(webhookEndpoints.id, id))).returning({ id: webhookEndpoints.id });
      return rows.length > 0;
    },
    async deliveries(tenantId, endpointId, page) {
      const after = page.after === null ? sql`` : sql`and (d.created_at, d.id) < (${iso(page.after.createdAt)}::timestamptz, ${page.after.id})`;
      const result = await db.execute<DeliveryRow>(sql`
        select ${DELIVERY_COLUMNS}
        from webhook_deliveries d join webhook_events e on e.id = d.event_id
        where d.tenant_id = ${tenantId} and d.endpoint_id = ${endpointId} ${after}
        order by d.created_at desc, d.id desc
        limit ${page.limit + 1}
      `);
      const rows = result.rows.slice(0, page.limit).map(toDelivery);
      const last = rows.at(-1);
      return { deliveries: rows, next: result.rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },
    async reopenDelivery(tenantId, endpointId, deliveryId, now) {
      const result = await db.execute<DeliveryRow>(sql`
        with reopened as (
          update webhook_deliveries set status = 'pending', next_attempt_at = ${iso(now)}::timestamptz, window_started_at = ${iso(now)}::timestamptz,
            enqueued_at = null, dead_reason = null, updated_at = ${iso(now)}::timestamptz
          where id = ${deliveryId} and tenant_id = ${tenantId} and endpoint_id = ${endpointId}
          returning *
        )
        select ${DELIVERY_COLUMNS}
        from reopened d join webhook_events e on e.id = d.event_id
      `);
      const row = result.rows[0];
      return row ? toDelivery(row) : null;
    },
  };
}

export function neonWebhookDeliveryLedger(db: Database): WebhookDeliveryLedger {
  return {
    async takeDue(limit, now, staleBefore) {
      // MATERIALIZED and SKIP LOCKED, as in the revocation outbox: each due row is taken once, by one producer.
      const result = await db.execute<{ id: string }>(sql`
        with picked as materialized (
          select id from webhook_deliveries
          where status = 'pending' and next_attempt_at <= ${iso(now)}::timestamptz
            and (enqueued_at is null or next_attempt_at < ${iso(staleBefore)}::timestamptz)
            and (claimed_until is null or claimed_until <= ${iso(now)}::timestamptz)
          order by next_attempt_at, id
          limit ${limit}
          for update skip locked
        )
        update webhook_deliveries set enqueued_at = ${iso(now)}::timestamptz, next_attempt_at = greatest(webhook_deliveries.next_attempt_at, ${iso(now)}::timestamptz)
        from picked where webhook_deliveries.id = picked.id
        returning webhook_deliveries.id
      `);
      return result.rows.map((row) => row.id);
    },

    async release(ids) {
      if (ids.length === 0) return;
      await db.execute(sql`update webhook_deliveries set enqueued_at = null where id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)}) and status = 'pending'`);
    },

    async claim(deliveryId, now, claimUntil) {
      const result = await db.execute<{
        id: string;
        tenant_id: string;
        attempts: number;
        window_started_at: string;
        event_id: string;
        event_type: string;
        occurred_at: string;
        data: Record<string, unknown>;
        endpoint_id: string;
        url: string;
        sealed_secret: string;
        enabled: boolean;
      }>(sql`
        with claimed as (
          update webhook_deliveries set claimed_until = ${iso(claimUntil)}::timestamptz
          where id = ${deliveryId} and status = 'pending' and (claimed_until is null or claimed_until <= ${iso(now)}::timestamptz)
            -- A copy of the message that arrives well before the attempt is due (the delivery was rescheduled) is not the one to act on.
            and next_attempt_at <= ${iso(claimUntil)}::timestamptz
          returning id, tenant_id, attempts, window_started_at, event_id, endpoint_id
        )
        select c.id, c.tenant_id, c.attempts, c.window_started_at, e.id as event_id, e.type as event_type, e.occurred_at, e.data,
          w.id as endpoint_id, w.url, w.sealed_secret, w.enabled
        from claimed c join webhook_events e on e.id = c.event_id join webhook_endpoints w on w.id = c.endpoint_id
      `);
      const row = result.rows[0];
      if (!row) return null;
      return {
        id: row.id,
        tenantId: row.tenant_id,
        attempts: row.attempts,
        windowStartedAt: new Date(row.window_started_at),
        event: { id: row.event_id, type: row.event_type as WebhookEventType, occurredAt: new Date(row.occurred_at), data: row.data },
        endpoint: { id: row.endpoint_id, url: row.url, sealedSecret: row.sealed_secret, enabled: row.enabled },
      } satisfies ClaimedDelivery;
    },

    async settle(delivery, attempt, outcome, now) {
      const attemptInsert =
        attempt === null
          ? sql`select 1 where false`
          : sql`insert into webhook_attempts (id, delivery_id, tenant_id, attempted_at, succeeded, latency_ms, response_status, response_excerpt, error)
              values (${attempt.id}, ${delivery.id}, ${delivery.tenantId}, ${iso(attempt.attemptedAt)}::timestamptz, ${attempt.succeeded}, ${attempt.latencyMs},
                ${attempt.responseStatus}, ${attempt.responseExcerpt}, ${attempt.error}) returning 1`;
      const nextAttemptAt = outcome.status === "pending" ? outcome.nextAttemptAt : now;
      const deadReason = outcome.status === "dead" ? outcome.reason : null;
      // The endpoint's failing streak: cleared by a success, started by the first failure after one.
      const streak =
        attempt === null
          ? sql`select 1 where false`
          : attempt.succeeded
            ? sql`update webhook_endpoints set failing_since = null where id = ${delivery.endpoint.id} and failing_since is not null returning 1`
            : sql`update webhook_endpoints set failing_since = ${iso(attempt.attemptedAt)}::timestamptz where id = ${delivery.endpoint.id} and failing_since is null returning 1`;
      await db.execute(sql`
        with recorded as (${attemptInsert}),
        streak as (${streak}),
        settled as (
          update webhook_deliveries set status = ${outcome.status}, attempts = attempts + ${attempt === null ? 0 : 1},
            next_attempt_at = ${iso(nextAttemptAt)}::timestamptz, dead_reason = ${deadReason}, claimed_until = null,
            last_attempt_at = coalesce(${attempt === null ? null : iso(attempt.attemptedAt)}::timestamptz, last_attempt_at),
            last_response_status = ${attempt === null ? sql`last_response_status` : sql`${attempt.responseStatus}::int`},
            enqueued_at = ${outcome.status === "pending" ? sql`${iso(now)}::timestamptz` : sql`enqueued_at`},
            updated_at = ${iso(now)}::timestamptz
          where id = ${delivery.id}
          returning 1
        )
        select (select count(*) from recorded) + (select count(*) from streak) + (select count(*) from settled) as changed
      `);
    },

    async disableFailing(before, now) {
      const result = await db.execute<{ id: string; tenant_id: string; failing_since: string }>(sql`
        update webhook_endpoints set enabled = false, disabled_reason = 'failing', updated_at = ${iso(now)}::timestamptz
        where enabled and failing_since < ${iso(before)}::timestamptz
        returning id, tenant_id, failing_since
      `);
      return result.rows.map((row) => ({ id: row.id, tenantId: row.tenant_id, failingSince: new Date(row.failing_since) }));
    },

    async purge(before) {
      const result = await db.execute<{ id: string }>(sql`
        delete from webhook_events e
        where e.occurred_at < ${iso(before)}::timestamptz
          and not exists (select 1 from webhook_deliveries d where d.event_id = e.id and d.status = 'pending')
        returning e.id
      `);
      return result.rows.length;
    },

    async backlog(now) {
      const result = await db.execute<{ pending: number; oldest: string | null }>(sql`
        select count(*)::int as pending, min(next_attempt_at) filter (where next_attempt_at <= ${iso(now)}::timestamptz) as oldest
        from webhook_deliveries where status = 'pending'
      `);
      const row = result.rows[0];
      return { pending: row?.pending ?? 0, oldestDueAt: at(row?.oldest ?? null) };
    },
  };
}
