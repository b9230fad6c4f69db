import { and, eq, inArray, isNull, or } from "drizzle-orm";
import { otpRequests, type DeliveryAttempt } from "../../../drizzle/schema";
import { statusesReplaceableBy } from "../../domain/sms-delivery-status";
import type { OtpRequestLog } from "../../ports/otp-request-log";
import { insertAuditEvents } from "./audit-log";
import type { Database } from "./database";

export function neonOtpRequestLog(db: Database): OtpRequestLog {
  return {
    async record(request, attempts, auditEvents) {
      const at = new Date().toISOString();
      const accepted = attempts.find((attempt) => attempt.outcome === "accepted");
      const stored: DeliveryAttempt[] = attempts.map((attempt) => ({
        provider: attempt.provider,
        outcome: attempt.outcome === "accepted" ? "accepted" : attempt.outcome === "permanent_failure" ? "permanent_failure" : "transient_failure",
        messageId: attempt.outcome === "accepted" ? attempt.messageId : null,
        error: attempt.outcome === "accepted" ? null : attempt.error,
        at,
      }));
      const insertRequest = db.insert(otpRequests).values({
        id: request.id,
        tenantId: request.tenantId,
        phoneHash: request.phoneHash,
        phoneCountry: request.phoneCountry,
        status: accepted ? "sent" : "failed",
        provider: accepted?.provider ?? attempts.at(-1)?.provider ?? null,
        providerMessageId: accepted?.outcome === "accepted" ? accepted.messageId : null,
        deliveryStatus: accepted ? "queued" : null,
        attempts: stored,
        ip: request.ip,
        country: request.country,
      });
      if (auditEvents.length === 0) await insertRequest;
      else await db.batch([insertRequest, insertAuditEvents(db, auditEvents)]);
    },

    async recordDeliveryStatus(report) {
      const sameMessage = and(eq(otpRequests.provider, report.provider), eq(otpRequests.providerMessageId, report.providerMessageId));
      const replaceable = statusesReplaceableBy(report.status);
      const movesForward = replaceable.length === 0 ? isNull(otpRequests.deliveryStatus) : or(isNull(otpRequests.deliveryStatus), inArray(otpRequests.deliveryStatus, replaceable));
      // One conditional UPDATE: two racing reports cannot both pass the forward-only check.
      const [updated] = await db
        .update(otpRequests)
        .set({ deliveryStatus: report.status, deliveryErrorCode: report.errorCode, updatedAt: new Date() })
        .where(and(sameMessage, movesForward))
        .returning({ id: otpRequests.id, tenantId: otpRequests.tenantId });
      if (updated) return { kind: "recorded", requestId: updated.id, tenantId: updated.tenantId };
      const [existing] = await db
        .select({ id: otpRequests.id, tenantId: otpRequests.tenantId, deliveryStatus: otpRequests.deliveryStatus })
        .from(otpRequests)
        .where(sameMessage)
        .limit(1);
      return existing ? { kind: "kept", requestId: existing.id, tenantId: existing.tenantId, current: existing.deliveryStatus } : { kind: "unknown_message" };
    },
  };
}
