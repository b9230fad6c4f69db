import type { Logger } from "../../logging/logger";
import type { MailAttemptResult, MailSender } from "../../ports/mailer";
import { callProvider, reportMisconfiguration, tokenField, UNREADABLE_MESSAGE_ID } from "./provider-call";
import { isSingleRecipient, NOT_A_SINGLE_RECIPIENT } from "./single-recipient";

export interface PostmarkConfig {
  readonly serverToken: string;
  /** `https://api.postmarkapp.com` in production; the local sandbox otherwise. */
  readonly apiBase: string;
  readonly logger?: Logger | undefined;
}

/**
 * Postmark API error codes (postmarkapp.com/developer/api/overview#error-codes) that refuse this
 * recipient or message: 300 invalid email request, 406 inactive recipient (bounced, complained or
 * unsubscribed). Another provider would refuse it, or deliver where the owner asked not to.
 */
const PERMANENT_POSTMARK_CODES = new Set([300, 406]);
/** 10 bad token, 400/401 sender signature missing or unconfirmed, 405/412/413 account may not send. */
const MISCONFIGURED_POSTMARK_CODES = new Set([10, 400, 401, 405, 412, 413]);

/** Postmark `POST /email` on the `outbound` (transactional) stream, server token header. */
export function postmarkSender(config: PostmarkConfig): MailSender {
  const url = `${config.apiBase}/email`;
  return {
    provider: "postmark",
    async send(message): Promise<MailAttemptResult> {
      if (!isSingleRecipient(message.to)) return { outcome: "permanent_failure", provider: "postmark", error: NOT_A_SINGLE_RECIPIENT };
      const reply = await callProvider(
        new Request(url, {
          method: "POST",
          headers: { "X-Postmark-Server-Token": config.serverToken, "Content-Type": "application/json", Accept: "application/json" },
          // Tracking off per message, whatever the server's defaults: no pixel, no rewritten links.
          body: JSON.stringify({
            From: message.from,
            To: message.to,
            Subject: message.subject,
            TextBody: message.text,
            HtmlBody: message.html,
            MessageStream: "outbound",
            TrackOpens: false,
            TrackLinks: "None",
          }),
        }),
      );
      if (!reply.answered) return { outcome: "transient_failure", provider: "postmark", error: reply.error };
      if (reply.status >= 200 && reply.status < 300) {
        return { outcome: "accepted", provider: "postmark", messageId: tokenField(reply.body, "MessageID") ?? UNREADABLE_MESSAGE_ID };
      }
      const code = typeof reply.body?.ErrorCode === "number" ? reply.body.ErrorCode : null;
      const error = code === null ? `postmark_http_${reply.status}` : `postmark_${code}`;
      if (reply.status === 401 || reply.status === 403 || (code !== null && MISCONFIGURED_POSTMARK_CODES.has(code))) {
        reportMisconfiguration(config.logger, "postmark", error);
        return { outcome: "transient_failure", provider: "postmark", error };
      }
      if (reply.status === 422 && code !== null && PERMANENT_POSTMARK_CODES.has(code)) return { outcome: "permanent_failure", provider: "postmark", error };
      return { outcome: "transient_failure", provider: "postmark", error };
    },
  };
}
