import { verifyTwilioSignature } from "../../../shared/crypto/twilio-signature";
import { isFinalDeliveryStatus, type DeliveryStatus } from "../../../shared/domain/sms-delivery-status";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { Logger } from "../../../shared/logging/logger";
import type { OtpRequestLog } from "../../../shared/ports/otp-request-log";
import type { AuditRecorder } from "./audit-recorder";

/** Where Twilio posts delivery reports; outside `/api/auth/*`, so neither the per-IP limit nor CORS applies. */
export const TWILIO_STATUS_CALLBACK_PATH = "/api/webhooks/twilio/status";

/** The `StatusCallback` every Twilio send carries, and the exact URL its signatures are checked against. */
export function twilioStatusCallbackUrl(issuerUrl: string): string {
  return `${issuerUrl}${TWILIO_STATUS_CALLBACK_PATH}`;
}

/** Null when Twilio is not configured: then nothing was sent through it and the webhook does not exist. */
export type TwilioWebhookKeys = { readonly authToken: string; readonly callbackUrl: string } | null;

/**
 * Checks `X-Twilio-Signature` over the whole form against the URL the callback was
 * configured with (never the request's own Host). Runs before anything in the body is read.
 */
export async function authenticateTwilioWebhook(twilio: TwilioWebhookKeys, signature: string | null, form: URLSearchParams): Promise<Result<null, Failure>> {
  if (twilio === null) return err({ reason: "not_found" });
  const signed = await verifyTwilioSignature({ authToken: twilio.authToken, url: twilio.callbackUrl, params: [...form.entries()], signature });
  return signed ? ok(null) : err({ reason: "invalid_signature" });
}

export interface DeliveryStatusDeps {
  readonly otpRequests: OtpRequestLog;
  readonly logger: Logger;
}

export interface TwilioDeliveryReport {
  readonly messageSid: string;
  readonly status: DeliveryStatus;
  /** Twilio's `ErrorCode`, kept only with a status that is not `delivered`. */
  readonly errorCode: number | null;
}

/**
 * Moves the send's delivery status forward (never back; see `statusesReplaceableBy`).
 * A final status that is recorded is audited with the tenant and the code request,
 * never the number. Unknown messages are acknowledged and change nothing.
 */
export async function recordTwilioDeliveryReport(deps: DeliveryStatusDeps, audit: AuditRecorder, report: TwilioDeliveryReport): Promise<Result<null, Failure>> {
  const errorCode = report.status === "delivered" ? null : report.errorCode;
  const outcome = await deps.otpRequests.recordDeliveryStatus({ provider: "twilio", providerMessageId: report.messageSid, status: report.status, errorCode });
  switch (outcome.kind) {
    case "unknown_message":
      // Not one of ours, or a report that overtook the row: the request path records a send after Twilio answers.
      deps.logger.info("twilio_report_unknown_message", { message_sid: report.messageSid, status: report.status });
      return ok(null);
    case "kept":
      return ok(null);
    case "recorded":
      if (isFinalDeliveryStatus(report.status)) {
        audit.record("sms.delivery_status", report.status === "delivered" ? "success" : "failure", {
          tenantId: outcome.tenantId,
          details: { otp_request_id: outcome.requestId, provider: "twilio", status: report.status, ...(errorCode === null ? {} : { error_code: errorCode }) },
        });
      }
      return ok(null);
  }
}
