import { AwsClient } from "aws4fetch";
import type { Logger } from "../../logging/logger";
import type { MailAttemptResult, MailSender } from "../../ports/mailer";
import { callProvider, reportMisconfiguration, stringField, tokenField, UNREADABLE_MESSAGE_ID } from "./provider-call";
import { isSingleRecipient, NOT_A_SINGLE_RECIPIENT } from "./single-recipient";

export interface SesConfig {
  readonly region: string;
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  /** `https://email.<region>.amazonaws.com` in production; the local sandbox otherwise. */
  readonly endpoint: string;
  readonly logger?: Logger | undefined;
}

/** SES v2 SendEmail errors that refuse this message or recipient: invalid input (e.g. an illegal address) or rejected content. */
const PERMANENT_SES_ERRORS = new Set(["BadRequestException", "MessageRejected"]);
/** The account or sending identity cannot send until someone acts; another provider may. */
const MISCONFIGURED_SES_ERRORS = new Set(["MailFromDomainNotVerifiedException", "AccountSuspendedException", "SendingPausedException"]);

/** AWS SES v2 `SendEmail` (`POST /v2/email/outbound-emails`), SigV4-signed by aws4fetch. */
export function sesSender(config: SesConfig): MailSender {
  // No retries inside the client: failing over to the next provider is our retry.
  const client = new AwsClient({ accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey, region: config.region, service: "ses", retries: 0 });
  const url = `${config.endpoint}/v2/email/outbound-emails`;
  return {
    provider: "ses",
    async send(message): Promise<MailAttemptResult> {
      if (!isSingleRecipient(message.to)) return { outcome: "permanent_failure", provider: "ses", error: NOT_A_SINGLE_RECIPIENT };
      const body = JSON.stringify({
        FromEmailAddress: message.from,
        Destination: { ToAddresses: [message.to] },
        Content: {
          Simple: {
            Subject: { Data: message.subject, Charset: "UTF-8" },
            Body: { Text: { Data: message.text, Charset: "UTF-8" }, Html: { Data: message.html, Charset: "UTF-8" } },
          },
        },
      });
      let signed: Request;
      try {
        // Signed first, then sent with our own fetch, as the SNS sender does (aws4fetch can lose a timeout signal).
        signed = await client.sign(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
      } catch {
        return { outcome: "transient_failure", provider: "ses", error: "signing_failed" };
      }
      const reply = await callProvider(signed);
      if (!reply.answered) return { outcome: "transient_failure", provider: "ses", error: reply.error };
      if (reply.status >= 200 && reply.status < 300) {
        return { outcome: "accepted", provider: "ses", messageId: tokenField(reply.body, "MessageId") ?? UNREADABLE_MESSAGE_ID };
      }
      const type = sesErrorType(reply.headers, reply.body);
      const error = type === null ? `ses_http_${reply.status}` : `ses_${type}`;
      if (reply.status === 401 || reply.status === 403 || (type !== null && MISCONFIGURED_SES_ERRORS.has(type))) {
        reportMisconfiguration(config.logger, "ses", error);
        return { outcome: "transient_failure", provider: "ses", error };
      }
      if (reply.status === 400 && type !== null && PERMANENT_SES_ERRORS.has(type)) return { outcome: "permanent_failure", provider: "ses", error };
      return { outcome: "transient_failure", provider: "ses", error };
    },
  };
}

/**
 * AWS REST-JSON services name the error in `x-amzn-ErrorType` (`Name:namespace-url`), some in the
 * body's `__type` or `code` instead. Only a plain identifier is kept, so a log line stays short.
 */
function sesErrorType(headers: Headers, body: Readonly<Record<string, unknown>> | null): string | null {
  const raw = headers.get("x-amzn-errortype") ?? stringField(body, "__type") ?? stringField(body, "code");
  const name = raw?.split(":")[0]?.split("#").at(-1) ?? "";
  return /^[A-Za-z]{1,64}$/.test(name) ? name : null;
}
