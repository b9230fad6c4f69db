import { and, eq, gte, inArray, lt, or, sql } from "drizzle-orm";
import { auditEvents, otpRequests } from "../../../drizzle/schema";
import type { SmsStatsReader } from "../../ports/sms-stats-reader";
import type { Database } from "./database";

/** Event types that always mean a refused code request, whatever their outcome field says. */
const BLOCK_EVENT_TYPES = ["auth.rate_limited", "auth.code_blocked"];

export function neonSmsStatsReader(db: Database): SmsStatsReader {
  return {
    // Both queries are bounded by the (tenant_id, created_at) indexes of their tables.
    async sendCounts(tenantId, window) {
      const count = sql`count(*)`.mapWith(Number);
      const rows = await db
        .select({ phoneCountry: otpRequests.phoneCountry, status: otpRequests.status, deliveryStatus: otpRequests.deliveryStatus, count })
        .from(otpRequests)
        .where(and(eq(otpRequests.tenantId, tenantId), gte(otpRequests.createdAt, window.from), lt(otpRequests.createdAt, window.to)))
        .groupBy(otpRequests.phoneCountry, otpRequests.status, otpRequests.deliveryStatus);
      return rows;
    },

    async blockCounts(tenantId, window) {
      const reason = sql<string | null>`${auditEvents.details} ->> 'reason'`;
      const limit = sql<string | null>`${auditEvents.details} ->> 'limit'`;
      const rows = await db
        .select({ type: auditEvents.type, reason, limit, count: sql`count(*)`.mapWith(Number) })
        .from(auditEvents)
        .where(
          and(
            eq(auditEvents.tenantId, tenantId),
            gte(auditEvents.createdAt, window.from),
            lt(auditEvents.createdAt, window.to),
            or(and(eq(auditEvents.type, "auth.code_requested"), eq(auditEvents.outcome, "blocked")), inArray(auditEvents.type, BLOCK_EVENT_TYPES)),
          ),
        )
        .groupBy(auditEvents.type, reason, limit);
      return rows;
    },
  };
}
