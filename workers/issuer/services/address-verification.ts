import type { EmailAddress } from "../../../shared/domain/email-address";
import { verifyAddressEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { AuditRecorder } from "./audit-recorder";
import { sendEmailCode, type EmailCodeDeps } from "./email-codes";
import type { SignInTenant } from "./phone-sign-in";

export type AddressVerificationDeps = EmailCodeDeps;

/** `sent`; `rate_limited` when the address or the client network may not be sent another mail this hour (nothing was sent); `failed` when no provider took it. */
export type VerificationMailOutcome = "sent" | "rate_limited" | "failed";

/**
 * Mails a `verify_email` code and link for `userId`'s address, with every limit and guarantee of
 * an email code (see sendEmailCode). Sign-up and an unverified login report the outcome instead
 * of failing with it, so that their answers do not depend on it.
 */
export async function sendVerificationMail(
  deps: AddressVerificationDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  target: { readonly userId: string; readonly email: EmailAddress; readonly continueRequest?: string | undefined },
): Promise<VerificationMailOutcome> {
  const sent = await sendEmailCode(deps, audit, context, tenant, { email: target.email, purpose: "verify_email", userId: target.userId, compose: verifyAddressEmail, continueRequest: target.continueRequest });
  if (sent.ok) return "sent";
  return sent.error.reason === "rate_limited" ? "rate_limited" : "failed";
}
