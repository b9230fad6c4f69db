import { AwsClient } from "aws4fetch";
import { postmarkSender } from "../../../shared/adapters/email/postmark-sender";
import { resendSender } from "../../../shared/adapters/email/resend-sender";
import { sesSender } from "../../../shared/adapters/email/ses-sender";
import type { Logger } from "../../../shared/logging/logger";
import type { EmailMessage, MailSender } from "../../../shared/ports/mailer";
import type { SmsSandbox } from "../../../dev/sms/server";
import { EMAIL, SNS } from "./sandbox-fixture";

export const FROM = "Acme <no-reply@acme.example>";
export const TO = "ada@example.org";

export function message(overrides: Partial<EmailMessage> = {}): EmailMessage {
  return { to: TO, from: FROM, subject: "Your Acme sign-in code", text: "Your code is 123456", html: "<p>Your code is <b>123456</b></p>", ...overrides };
}

/** Our production email senders, pointed at the sandbox exactly as the local stack points them. */
export function productionMailSenders(sandbox: SmsSandbox, logger?: Logger): { resend: MailSender; postmark: MailSender; ses: MailSender } {
  return {
    resend: resendSender({ apiKey: EMAIL.resendApiKey, apiBase: sandbox.url, logger }),
    postmark: postmarkSender({ serverToken: EMAIL.postmarkServerToken, apiBase: sandbox.url, logger }),
    ses: sesSender({ ...SNS, region: EMAIL.sesRegion, endpoint: sandbox.url, logger }),
  };
}

/** A logger that keeps what it was told, to check that a misconfigured provider is reported. */
export function recordingLogger(): Logger & { readonly lines: Array<{ level: string; event: string; fields: Record<string, unknown> | undefined }> } {
  const lines: Array<{ level: string; event: string; fields: Record<string, unknown> | undefined }> = [];
  const record = (level: string) => (event: string, fields?: Record<string, unknown>) => {
    lines.push({ level, event, fields });
  };
  return { lines, debug: record("debug"), info: record("info"), warn: record("warn"), error: record("error") };
}

export function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<Response> {
  return fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: typeof body === "string" ? body : JSON.stringify(body) });
}

/** An aws4fetch client for SES; the secret, key, region or service can be made wrong on purpose. */
export function sesClient(overrides: Partial<{ accessKeyId: string; secretAccessKey: string; region: string; service: string }> = {}): AwsClient {
  return new AwsClient({ ...SNS, region: EMAIL.sesRegion, service: "ses", retries: 0, ...overrides });
}

export function sesRequest(to: readonly string[] = [TO]): Record<string, unknown> {
  return {
    FromEmailAddress: FROM,
    Destination: { ToAddresses: to },
    Content: { Simple: { Subject: { Data: "Hello", Charset: "UTF-8" }, Body: { Text: { Data: "text body", Charset: "UTF-8" }, Html: { Data: "<p>html body</p>", Charset: "UTF-8" } } } },
  };
}
