export interface EmailMessage {
  readonly to: string;
  /** `Name <address>`, from `EMAIL_FROM`. */
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}

/**
 * `accepted`: the provider answered 2xx and took the message. `transient`: worth trying another
 * provider (5xx, 429, a credential or sender-identity problem, timeout, network). `permanent`: the
 * provider refused this address or message; another provider would refuse it too.
 */
export type MailAttemptResult =
  | { readonly outcome: "accepted"; readonly provider: string; readonly messageId: string }
  | { readonly outcome: "transient_failure"; readonly provider: string; readonly error: string }
  | { readonly outcome: "permanent_failure"; readonly provider: string; readonly error: string };

export interface MailSender {
  readonly provider: string;
  send(message: EmailMessage): Promise<MailAttemptResult>;
}
