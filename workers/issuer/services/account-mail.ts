import type { EmailAddress } from "../../../shared/domain/email-address";
import type { EmailMessage, MailSender } from "../../../shared/ports/mailer";
import type { AuditRecorder } from "./audit-recorder";
import { sendEmailWithFailover } from "./email-delivery";

/** What an account email is for; audited with its outcome, never with the address or the link. */
export type AccountMailPurpose = "sign_in" | "verify_email" | "change_email" | "account_exists" | "reset_password" | "password_changed";

export interface AccountMailDeps {
  readonly mailSenders: readonly MailSender[];
  /** `EMAIL_FROM`: `Name <address>`. */
  readonly emailFrom: string;
}

export interface AccountMail {
  readonly tenantId: string;
  readonly userId: string | null;
  readonly to: EmailAddress;
  readonly purpose: AccountMailPurpose;
  readonly content: { readonly subject: string; readonly text: string; readonly html: string };
}

/**
 * Sends through the providers in failover order: a transient failure moves on, a
 * permanent one or an acceptance stops, so no provider that answered is asked twice.
 * Every attempt is audited with the recipient's domain only. True when a provider took it.
 */
export async function sendAccountMail(deps: AccountMailDeps, audit: AuditRecorder, mail: AccountMail): Promise<boolean> {
  const message: EmailMessage = { to: mail.to.address, from: deps.emailFrom, ...mail.content };
  const { attempts } = await sendEmailWithFailover(deps.mailSenders, message);
  const accepted = attempts.find((attempt) => attempt.outcome === "accepted");
  const details = {
    purpose: mail.purpose,
    recipient_domain: mail.to.asciiDomain,
    attempts: attempts.map((attempt) => ({ provider: attempt.provider, outcome: attempt.outcome, ...(attempt.outcome === "accepted" ? {} : { error: attempt.error }) })),
  };
  if (accepted) audit.record("email.sent", "success", { tenantId: mail.tenantId, userId: mail.userId, details: { ...details, provider: accepted.provider } });
  else audit.record("email.send_failed", "failure", { tenantId: mail.tenantId, userId: mail.userId, details: { ...details, reason: attempts.length === 0 ? "no_provider_configured" : "every_provider_failed" } });
  return accepted !== undefined;
}
