import { and, desc, eq, gte, lt, or, type SQL } from "drizzle-orm";
import { auditEvents } from "../../../drizzle/schema";
import type { AuditEvent, AuditLog, AuditOutcome } from "../../ports/audit-log";
import { decodeCursor, encodeCursor } from "../../domain/page-cursor";
import type { Database } from "./database";

export function neonAuditLog(db: Database): AuditLog {
  return {
    async append(events) {
      if (events.length === 0) return;
      await insertAuditEvents(db, events);
    },

    async list(filter) {
      const conditions: SQL[] = [];
      if (filter.tenantId) conditions.push(eq(auditEvents.tenantId, filter.tenantId));
      if (filter.userId) conditions.push(eq(auditEvents.userId, filter.userId));
      if (filter.type) conditions.push(eq(auditEvents.type, filter.type));
      if (filter.outcome) conditions.push(eq(auditEvents.outcome, filter.outcome));
      if (filter.since) conditions.push(gte(auditEvents.createdAt, filter.since));
      if (filter.until) conditions.push(lt(auditEvents.createdAt, filter.until));
      const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
      if (cursor) {
        const before = or(lt(auditEvents.createdAt, cursor.createdAt), and(eq(auditEvents.createdAt, cursor.createdAt), lt(auditEvents.id, cursor.id)));
        if (before) conditions.push(before);
      }
      const rows = await db
        .select()
        .from(auditEvents)
        .where(conditions.length > 0 ? and(...conditions) : undefined)
        .orderBy(desc(auditEvents.createdAt), desc(auditEvents.id))
        .limit(filter.limit + 1);
      const page = rows.slice(0, filter.limit).map(
        (row): AuditEvent => ({
          id: row.id,
          type: row.type,
          outcome: row.outcome as AuditOutcome,
          tenantId: row.tenantId,
          userId: row.userId,
          ip: row.ip,
          userAgent: row.userAgent,
          country: row.country,
          details: row.details,
          createdAt: row.createdAt,
        }),
      );
      const last = page.at(-1);
      return { events: page, nextCursor: rows.length > filter.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },
  };
}

/**
 * One multi-row insert: the cheap write path the audit volume needs. Ids make it idempotent on
 * retry. Not awaited here, so other adapters can put it in a batch with their own write.
 */
export function insertAuditEvents(db: Database, events: readonly AuditEvent[]) {
  return db
    .insert(auditEvents)
    .values(
      events.map((event) => ({
        id: event.id,
        type: event.type,
        outcome: event.outcome,
        tenantId: event.tenantId,
        userId: event.userId,
        ip: event.ip,
        userAgent: event.userAgent,
        country: event.country,
        details: { ...event.details },
        createdAt: event.createdAt,
      })),
    )
    .onConflictDoNothing({ target: auditEvents.id });
}
