export interface SmsMessage {
  readonly to: string;
  readonly body: string;
}

/**
 * `accepted`: the provider took the message. `transient`: worth trying another
 * provider (5xx, timeout, network). `permanent`: the number itself was refused;
 * no other provider will do better.
 */
export type SmsAttemptResult =
  | { readonly outcome: "accepted"; readonly provider: string; readonly messageId: string }
  | { readonly outcome: "transient_failure"; readonly provider: string; readonly error: string }
  | { readonly outcome: "permanent_failure"; readonly provider: string; readonly error: string };

export interface SmsSender {
  readonly provider: string;
  send(message: SmsMessage): Promise<SmsAttemptResult>;
}
