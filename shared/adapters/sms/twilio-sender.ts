import type { SmsAttemptResult, SmsSender } from "../../ports/sms-sender";
import { describeFetchError, SMS_PROVIDER_TIMEOUT_MS } from "./timeout";

export interface TwilioConfig {
  readonly accountSid: string;
  readonly authToken: string;
  readonly messagingServiceSid: string;
  /** `https://api.twilio.com` in production; the SMS sandbox locally. */
  readonly apiBase: string;
  /**
   * Sent as `StatusCallback`, so Twilio posts delivery reports there
   * (`${ISSUER_URL}/api/webhooks/twilio/status`); no reports when undefined.
   */
  readonly statusCallbackUrl?: string | undefined;
}

/**
 * Twilio error codes that say the number itself cannot receive the message;
 * another provider would fail the same way (or deliver where the user asked not to).
 * 21211 invalid To, 21214 not reachable, 21408 region not enabled, 21610 unsubscribed,
 * 21612 unroutable, 21614 not a mobile number.
 */
const PERMANENT_TWILIO_CODES = new Set([21211, 21214, 21408, 21610, 21612, 21614]);

export function twilioSender(config: TwilioConfig): SmsSender {
  const url = `${config.apiBase}/2010-04-01/Accounts/${encodeURIComponent(config.accountSid)}/Messages.json`;
  const authorization = `Basic ${btoa(`${config.accountSid}:${config.authToken}`)}`;
  return {
    provider: "twilio",
    async send(message): Promise<SmsAttemptResult> {
      const body = new URLSearchParams({ To: message.to, MessagingServiceSid: config.messagingServiceSid, Body: message.body });
      if (config.statusCallbackUrl !== undefined) body.set("StatusCallback", config.statusCallbackUrl);
      let response: Response;
      try {
        response = await fetch(url, {
          method: "POST",
          headers: { Authorization: authorization, "Content-Type": "application/x-www-form-urlencoded", Accept: "application/json" },
          body,
          signal: AbortSignal.timeout(SMS_PROVIDER_TIMEOUT_MS),
        });
      } catch (error) {
        return { outcome: "transient_failure", provider: "twilio", error: describeFetchError(error) };
      }
      const payload = await readJson(response);
      if (response.status === 201 || response.status === 200) {
        const sid = typeof payload?.sid === "string" ? payload.sid : null;
        if (sid) return { outcome: "accepted", provider: "twilio", messageId: sid };
        return { outcome: "transient_failure", provider: "twilio", error: "malformed_reply" };
      }
      const code = typeof payload?.code === "number" ? payload.code : null;
      if (response.status === 400 && code !== null && PERMANENT_TWILIO_CODES.has(code)) {
        return { outcome: "permanent_failure", provider: "twilio", error: `twilio_${code}` };
      }
      return { outcome: "transient_failure", provider: "twilio", error: code === null ? `http_${response.status}` : `twilio_${code}` };
    },
  };
}

async function readJson(response: Response): Promise<Record<string, unknown> | null> {
  try {
    const value: unknown = await response.json();
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
