export const EMAIL_PROVIDERS = ["resend", "postmark", "ses"] as const;
export type EmailProvider = (typeof EMAIL_PROVIDERS)[number];

/** What the email inbox shows for every message a provider accepted (dev/sms/README.md, the email inbox). */
export interface SandboxEmail {
  /** The message id the provider answered with. */
  readonly id: string;
  /** One recipient's address (a message to several is stored once per recipient). */
  readonly to: string;
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
  readonly provider: EmailProvider;
  /** ISO 8601. */
  readonly received_at: string;
}

export interface AcceptedEmail {
  readonly to: readonly string[];
  readonly from: string;
  readonly subject: string;
  readonly text: string;
  readonly html: string;
}
