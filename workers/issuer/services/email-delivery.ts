import type { EmailMessage, MailAttemptResult, MailSender } from "../../../shared/ports/mailer";

export interface EmailDeliveryReport {
  /** The attempt that settled it: accepted, permanent, or the last transient failure; null with no provider. */
  readonly final: MailAttemptResult | null;
  readonly attempts: readonly MailAttemptResult[];
}

/**
 * Tries each provider in order, one attempt each. A transient failure moves on to the next; an
 * acceptance or a permanent refusal (this address or message) stops, so a provider that answered
 * is never followed by another and the message is not sent twice.
 */
export async function sendEmailWithFailover(senders: readonly MailSender[], message: EmailMessage): Promise<EmailDeliveryReport> {
  const attempts: MailAttemptResult[] = [];
  for (const sender of senders) {
    const result = await sender.send(message);
    attempts.push(result);
    if (result.outcome !== "transient_failure") return { final: result, attempts };
  }
  return { final: attempts.at(-1) ?? null, attempts };
}
