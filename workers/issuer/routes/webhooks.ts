import type { Hono } from "hono";
import { z } from "zod";
import { DELIVERY_STATUSES, UNRECORDED_TWILIO_STATUSES, type DeliveryStatus } from "../../../shared/domain/sms-delivery-status";
import { err, ok } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import { noContent, respond } from "../../../shared/http/respond";
import { validate } from "../../../shared/http/validate";
import type { IssuerBindings } from "../app";
import { authenticateTwilioWebhook, recordTwilioDeliveryReport, TWILIO_STATUS_CALLBACK_PATH, twilioStatusCallbackUrl } from "../services/delivery-status";

/**
 * Only the parameters used are validated. Twilio adds parameters without notice and
 * signs them all, so the others are accepted (the signature already covered them).
 */
const REPORT_FIELDS = ["MessageSid", "MessageStatus", "ErrorCode"] as const;
export const twilioReportSchema = z.strictObject({
  MessageSid: z.string().regex(/^(SM|MM)[0-9a-fA-F]{32}$/, "must be a Twilio message SID: SM or MM and 32 hex digits."),
  MessageStatus: z.enum([...DELIVERY_STATUSES, ...UNRECORDED_TWILIO_STATUSES]),
  ErrorCode: z.string().regex(/^[0-9]{1,6}$/, "must be a Twilio error code of 1 to 6 digits.").optional(),
});

/** Provider callbacks. Authenticated by the provider's signature, not by a tenant key or the admin token. */
export function webhookRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, TWILIO_STATUS_CALLBACK_PATH, {
    POST: async (c) => {
      const form = await readFormBody(c);
      if (!form.ok) return respond(form);
      const deps = c.get("deps");
      const twilio = deps.config.sms.twilio;
      const keys = twilio === null ? null : { authToken: twilio.authToken, callbackUrl: twilioStatusCallbackUrl(deps.config.issuerUrl) };
      const signed = await authenticateTwilioWebhook(keys, c.req.header("X-Twilio-Signature") ?? null, form.value);
      if (!signed.ok) return respond(signed);

      const repeated = REPORT_FIELDS.find((name) => form.value.getAll(name).length > 1);
      if (repeated !== undefined) return respond(err({ reason: "invalid_request", field: repeated, message: `${repeated} is given more than once.` }));
      const report = validate(twilioReportSchema, onlyValues(form.value, REPORT_FIELDS));
      if (!report.ok) return respond(report);
      const { MessageSid: messageSid, MessageStatus: status, ErrorCode: errorCode } = report.value;
      // Statuses such as `accepted` or `read` say nothing new about reaching the handset: acknowledged, not recorded.
      if (!isRecorded(status)) return noContent(ok(null));
      return noContent(
        await recordTwilioDeliveryReport({ otpRequests: deps.otpRequests, logger: deps.logger }, c.get("audit"), {
          messageSid,
          status,
          errorCode: errorCode === undefined ? null : Number(errorCode),
        }),
      );
    },
  });
}

function isRecorded(status: string): status is DeliveryStatus {
  return (DELIVERY_STATUSES as readonly string[]).includes(status);
}

/** The value of each named parameter that is present (each appears once); nothing else in the form is looked at. */
function onlyValues(form: URLSearchParams, names: readonly string[]): Record<string, string> {
  const picked: Record<string, string> = {};
  for (const name of names) {
    const value = form.get(name);
    if (value !== null) picked[name] = value;
  }
  return picked;
}
