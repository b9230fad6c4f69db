/** What the inbox shows for every message a provider accepted (dev/sms/README.md, the inbox). */
export interface SandboxMessage {
  readonly id: string;
  readonly to: string;
  readonly body: string;
  readonly provider: "twilio" | "sns";
  /** ISO 8601. */
  readonly received_at: string;
}

/** A stored message plus what the inbox listing does not show but a provider's fetch API does. */
export interface InboxEntry {
  readonly message: SandboxMessage;
  /** The sender the client asked for (Twilio `From`, SNS origination number), if any. */
  readonly from: string | null;
}
