import { postmarkSender } from "../../shared/adapters/email/postmark-sender";
import { resendSender } from "../../shared/adapters/email/resend-sender";
import { sesSender } from "../../shared/adapters/email/ses-sender";
import type { IssuerConfig } from "../../shared/config/issuer-config";
import { createLogger } from "../../shared/logging/logger";
import type { MailSender } from "../../shared/ports/mailer";

/** The email senders in `EMAIL_PROVIDERS` order, only those configured; a name listed twice is used once. */
export function mailSenders(config: IssuerConfig): MailSender[] {
  const logger = createLogger("email", config.logLevel);
  const senders: MailSender[] = [];
  for (const name of new Set(config.email.providers)) {
    if (name === "resend" && config.email.resend) senders.push(resendSender({ ...config.email.resend, logger }));
    if (name === "postmark" && config.email.postmark) senders.push(postmarkSender({ ...config.email.postmark, logger }));
    if (name === "ses" && config.email.ses) senders.push(sesSender({ ...config.email.ses, logger }));
  }
  return senders;
}
