import type { SmsAttemptResult, SmsMessage, SmsSender } from "../../../shared/ports/sms-sender";

export interface DeliveryReport {
  /** The attempt that settled it: accepted, permanent, or the last transient failure. */
  readonly final: SmsAttemptResult | null;
  readonly attempts: readonly SmsAttemptResult[];
}

/**
 * Tries each provider in order. A transient failure moves on to the next; a
 * permanent one (the number was refused) stops, since another provider would
 * be refused too.
 */
export async function sendWithFailover(senders: readonly SmsSender[], message: SmsMessage): Promise<DeliveryReport> {
  const attempts: SmsAttemptResult[] = [];
  for (const sender of senders) {
    const result = await sender.send(message);
    attempts.push(result);
    if (result.outcome !== "transient_failure") return { final: result, attempts };
  }
  return { final: attempts.at(-1) ?? null, attempts };
}
