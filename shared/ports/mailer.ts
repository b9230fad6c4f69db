export interface EmailMessage {
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * `accepted`: the provider took the message. `transient`: worth trying another
 * provider. `permanent`: the provider refused this address or message; no other
 * provider will do better.
 */
export type MailAttemptResult =
  | { readonly outcome: "accepted"; readonly provider: string; readonly messageId: string }
  | { readonly outcome: "transient_failure"; readonly provider: string; readonly error: string }
  | { readonly outcome: "permanent_failure"; readonly provider: string; readonly error: string };

export interface MailSender {
  readonly provider: string;
  send(message: EmailMessage): Promise<MailAttemptResult>;
}
