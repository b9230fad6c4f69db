import type { Logger } from "../../logging/logger";
import type { MailAttemptResult, MailSender } from "../../ports/mailer";
import { callProvider, reportMisconfiguration, stringField, tokenField, UNREADABLE_MESSAGE_ID } from "./provider-call";
import { isSingleRecipient, NOT_A_SINGLE_RECIPIENT } from "./single-recipient";

export interface ResendConfig {
  readonly apiKey: string;
  /** `https://api.resend.com` in production; the local sandbox otherwise. */
  readonly apiBase: string;
  readonly logger?: Logger | undefined;
}

/** Resend `POST /emails`, bearer API key. Errors answer `{statusCode, name, message}`. */
export function resendSender(config: ResendConfig): MailSender {
  const url = `${config.apiBase}/emails`;
  return {
    provider: "resend",
    async send(message): Promise<MailAttemptResult> {
      if (!isSingleRecipient(message.to)) return { outcome: "permanent_failure", provider: "resend", error: NOT_A_SINGLE_RECIPIENT };
      const reply = await callProvider(
        new Request(url, {
          method: "POST",
          headers: { Authorization: `Bearer ${config.apiKey}`, "Content-Type": "application/json", Accept: "application/json" },
          body: JSON.stringify({ from: message.from, to: [message.to], subject: message.subject, text: message.text, html: message.html }),
        }),
      );
      if (!reply.answered) return { outcome: "transient_failure", provider: "resend", error: reply.error };
      if (reply.status >= 200 && reply.status < 300) {
        return { outcome: "accepted", provider: "resend", messageId: tokenField(reply.body, "id") ?? UNREADABLE_MESSAGE_ID };
      }
      const error = `resend_${errorName(reply.body) ?? `http_${reply.status}`}`;
      // 401 missing or restricted key, 403 invalid key or an unverified sending domain.
      if (reply.status === 401 || reply.status === 403) {
        reportMisconfiguration(config.logger, "resend", error);
        return { outcome: "transient_failure", provider: "resend", error };
      }
      // 400 validation_error (e.g. an address that is not one), 422 a message Resend will not take.
      if (reply.status === 400 || reply.status === 422) return { outcome: "permanent_failure", provider: "resend", error };
      return { outcome: "transient_failure", provider: "resend", error };
    },
  };
}

/** Resend's error `name` (`validation_error`, `invalid_api_key`, …), or null when it is not such a name. */
function errorName(body: Readonly<Record<string, unknown>> | null): string | null {
  const name = stringField(body, "name");
  return name !== null && /^[a-z_]{1,64}$/.test(name) ? name : null;
}
