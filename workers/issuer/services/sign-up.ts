import { newId } from "../../../shared/crypto/ids";
import { newLinkToken } from "../../../shared/crypto/link-token";
import { parseEmailAddress, type EmailAddress } from "../../../shared/domain/email-address";
import { accountExistsEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { RateLimiter } from "../../../shared/ports/rate-limiter";
import { admitAccountMail } from "./account-mail-limit";
import { sendAccountMail } from "./account-mail";
import { emailKey, emailLinkUrl } from "./account-session";
import { sendVerificationMail, type AddressVerificationDeps } from "./address-verification";
import type { AuditRecorder } from "./audit-recorder";
import { acceptNewPassword, type NewPasswordDeps } from "./new-password";
import type { PasswordHashing } from "./password-hashing";
import type { SignInTenant } from "./phone-sign-in";
import { sessionOrSecondStep, type SecondStepDeps, type SignInAnswer } from "./second-step";
import type { SigningKeyService } from "./signing-keys";

export interface SignUpDeps extends AddressVerificationDeps, NewPasswordDeps, SecondStepDeps {
  readonly accounts: AccountStore;
  readonly rateLimiter: RateLimiter;
  readonly signingKeys: SigningKeyService;
  readonly passwords: PasswordHashing;
}

export type SignUpOutcome = { readonly kind: "verification_sent" } | { readonly kind: "signed_in"; readonly session: SignInAnswer };

/** How long the reset link in a "you already have an account" mail (and in a reset mail) lives. */
export const RESET_LINK_TTL_MINUTES = 30;

/**
 * `POST /api/auth/signup`. With `email_verification_required` a new address and a taken one
 * get the same answer after the same work: the password is hashed and one email is sent
 * (a verification to a new address; the "you already have an account" notice, with a
 * sign-in and a reset link, to the owner of a taken one, verified or not: a sign-up never
 * overwrites anyone's password). Without it a new address is signed in and a taken one is
 * `409 email_taken`, as the contract says.
 */
export async function signUp(
  deps: SignUpDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { readonly email: string; readonly password: string; readonly continueRequest?: string | undefined },
): Promise<Result<SignUpOutcome, Failure>> {
  const { settings } = tenant;
  const tenantId = tenant.tenant.id;
  if (!allowsSignInMethod(settings, "password")) return err({ reason: "sign_in_method_disabled" });
  const email = parseEmailAddress(input.email);
  if (!email.ok) return err({ reason: "invalid_email" });
  const password = await acceptNewPassword(deps, input.password, { minLength: settings.password_min_length, email: email.value.address });
  if (!password.ok) return password;

  // Loaded before anything is written: an outage then refuses the sign-up whole.
  const signer = settings.email_verification_required ? null : await deps.signingKeys.currentSigner();
  const passwordHash = await deps.passwords.hash(password.value);
  const existing = await deps.accounts.findByEmail(tenantId, email.value.address);
  const details = { email_domain: email.value.asciiDomain };

  if (settings.email_verification_required || signer === null) {
    if (existing) {
      audit.record("auth.signed_up", "blocked", { tenantId, userId: existing.user.id, details: { ...details, reason: "address_taken" } });
      const mailed = await mailAccountExists(deps, audit, tenant, { userId: existing.user.id, email: email.value });
      return mailed === "failed" ? err({ reason: "email_unavailable" }) : ok({ kind: "verification_sent" });
    }
    const userId = newId("usr");
    const created = await deps.accounts.createWithPassword({ id: userId, tenantId, email: email.value.address, emailVerified: false, passwordHash, roles: settings.default_roles });
    if (created.kind === "email_taken") {
      // A sign-up racing this one took the address first: its owner gets the notice, as any taken address does.
      const owner = await deps.accounts.findByEmail(tenantId, email.value.address);
      const mailed = owner ? await mailAccountExists(deps, audit, tenant, { userId: owner.user.id, email: email.value }) : "sent";
      return mailed === "failed" ? err({ reason: "email_unavailable" }) : ok({ kind: "verification_sent" });
    }
    const mailed = await sendVerificationMail(deps, audit, context, tenant, { userId, email: email.value, continueRequest: input.continueRequest });
    if (mailed === "failed") {
      // Nobody can verify it: the account goes, so a later sign-up starts afresh.
      await deps.accounts.discardUnverified(userId);
      return err({ reason: "email_unavailable" });
    }
    audit.record("auth.signed_up", "success", { tenantId, userId, details: { ...details, email_verified: false, verification: mailed } });
    return ok({ kind: "verification_sent" });
  }

  if (existing) {
    audit.record("auth.signed_up", "blocked", { tenantId, userId: existing.user.id, details: { ...details, reason: "address_taken" } });
    return err({ reason: "email_taken" });
  }
  const userId = newId("usr");
  const created = await deps.accounts.createWithPassword({ id: userId, tenantId, email: email.value.address, emailVerified: false, passwordHash, roles: settings.default_roles });
  if (created.kind === "email_taken") return err({ reason: "email_taken" });
  audit.record("auth.signed_up", "success", { tenantId, userId, details: { ...details, email_verified: false } });
  // A tenant that requires a second factor answers `mfa_required` with an enrolment instead.
  const session = await sessionOrSecondStep(deps, audit, context, tenant, { signer, userId, amr: ["pwd"], newUser: true, details: { method: "password" } });
  if (!session.ok) return session;
  return ok({ kind: "signed_in", session: session.value });
}

/**
 * The mail a sign-up for a taken address sends its owner: a sign-in link (purpose `sign_in`,
 * which also takes over an unverified claim when used) and a reset link. Counted per address
 * per hour; past the limit nothing is sent and the sign-up still answers as usual.
 */
async function mailAccountExists(
  deps: SignUpDeps,
  audit: AuditRecorder,
  { tenant, settings }: SignInTenant,
  owner: { readonly userId: string; readonly email: EmailAddress },
): Promise<"sent" | "rate_limited" | "failed"> {
  const addressKey = await emailKey(deps.otpHashSecret, owner.email);
  if (!(await admitAccountMail(deps.rateLimiter, tenant.id, addressKey, settings.rate_limit_per_hour))) {
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, userId: owner.userId, details: { limit: "account_mail_per_hour", purpose: "account_exists" } });
    return "rate_limited";
  }
  const now = new Date();
  const signInLink = await newLinkToken();
  const resetLink = await newLinkToken();
  const base = { tenantId: tenant.id, userId: owner.userId, email: owner.email.address, requestId: null };
  await deps.emailTokens.issue({ ...base, tokenHash: signInLink.hash, purpose: "sign_in", expiresAt: new Date(now.getTime() + settings.otp_expiry_minutes * 60_000) }, now);
  await deps.emailTokens.issue({ ...base, tokenHash: resetLink.hash, purpose: "reset_password", expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MINUTES * 60_000) }, now);
  const sent = await sendAccountMail(deps, audit, {
    tenantId: tenant.id,
    userId: owner.userId,
    to: owner.email,
    purpose: "account_exists",
    content: accountExistsEmail({ branding: settings.email_branding, signInLink: emailLinkUrl(deps.issuer, signInLink.token), resetLink: emailLinkUrl(deps.issuer, resetLink.token, "/reset-password") }),
  });
  if (sent) return "sent";
  // Nobody received them: the links die.
  await Promise.all([
    deps.emailTokens.consume(signInLink.hash, new Date(), { purposes: ["sign_in"], tenantId: tenant.id }),
    deps.emailTokens.consume(resetLink.hash, new Date(), { purposes: ["reset_password"], tenantId: tenant.id }),
  ]);
  return "failed";
}
