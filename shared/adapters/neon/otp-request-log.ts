import { otpRequests, type DeliveryAttempt } from "../../../drizzle/schema";
import type { OtpRequestLog } from "../../ports/otp-request-log";
import type { Database } from "./database";

export function neonOtpRequestLog(db: Database): OtpRequestLog {
  return {
    async record(request, attempts) {
      const at = new Date().toISOString();
      const accepted = attempts.find((attempt) => attempt.outcome === "accepted");
      const stored: DeliveryAttempt[] = attempts.map((attempt) => ({
        provider: attempt.provider,
        outcome: attempt.outcome === "accepted" ? "accepted" : attempt.outcome === "permanent_failure" ? "permanent_failure" : "transient_failure",
        messageId: attempt.outcome === "accepted" ? attempt.messageId : null,
        error: attempt.outcome === "accepted" ? null : attempt.error,
        at,
      }));
      await db.insert(otpRequests).values({
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
    },
  };
}
