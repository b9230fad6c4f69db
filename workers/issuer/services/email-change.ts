import { parseEmailAddress } from "../../../shared/domain/email-address";
import { verifyAddressEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { UserRecord } from "../../../shared/ports/user-repository";
import type { AuditRecorder } from "./audit-recorder";
import { sendEmailCode, type EmailCodeDeps } from "./email-codes";
import type { SignInTenant } from "./phone-sign-in";

export interface EmailChangeDeps extends EmailCodeDeps {
  readonly accounts: AccountStore;
}

/** What a `PATCH /api/auth/me` with an address started: null when the address is already the user's, verified. */
export type EmailChangeStarted = { readonly pending_email: string } | null;

/**
 * A signed-in user asks for a new address: nothing changes until it is proved. A code and a
 * link go to the new address (purpose `change_email`); using either moves the user to it. An
 * address another live user of the tenant holds is refused at once: the asker is signed in,
 * and the same answer would come when the change completes.
 */
export async function requestEmailChange(
  deps: EmailChangeDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  user: UserRecord,
  input: string,
): Promise<Result<EmailChangeStarted, Failure>> {
  const email = parseEmailAddress(input);
  if (!email.ok) return err({ reason: "invalid_email" });
  const current = user.email === null ? null : parseEmailAddress(user.email);
  if (current?.ok === true && current.value.key === email.value.key && user.emailVerified) return ok(null);

  const holder = await deps.accounts.findByEmail(tenant.tenant.id, email.value.address);
  if (holder !== null && holder.user.id !== user.id) {
    audit.record("auth.email_change_requested", "failure", { tenantId: tenant.tenant.id, userId: user.id, details: { reason: "email_taken", email_domain: email.value.asciiDomain } });
    return err({ reason: "email_taken" });
  }
  const sent = await sendEmailCode(deps, audit, context, tenant, { email: email.value, purpose: "change_email", userId: user.id, compose: verifyAddressEmail });
  if (!sent.ok) return sent;
  audit.record("auth.email_change_requested", "success", { tenantId: tenant.tenant.id, userId: user.id, details: { otp_request_id: sent.value.request_id, email_domain: email.value.asciiDomain } });
  return ok({ pending_email: email.value.address });
}

/** An address can be removed only while the account keeps another way in: today, a phone. */
export function emailRemovalRefusal(user: UserRecord): Failure | null {
  if (user.phone !== null) return null;
  return { reason: "invalid_request", field: "email", message: "email cannot be removed while it is the only way to sign in; add a phone first." };
}
