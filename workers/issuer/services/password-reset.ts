import { LINK_TOKEN_PATTERN, linkTokenHash, newLinkToken } from "../../../shared/crypto/link-token";
import { parseEmailAddress, type EmailAddress } from "../../../shared/domain/email-address";
import { passwordChangedEmail, passwordResetEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod, resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { EmailTokenStore } from "../../../shared/ports/email-token-store";
import type { RateLimiter } from "../../../shared/ports/rate-limiter";
import type { TenantRepository } from "../../../shared/ports/tenant-repository";
import { admitAccountMail } from "./account-mail-limit";
import { sendAccountMail, type AccountMailDeps } from "./account-mail";
import { emailKey, emailLinkUrl } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import { acceptNewPassword, type NewPasswordDeps } from "./new-password";
import type { PasswordHashing } from "./password-hashing";
import type { SignInTenant } from "./phone-sign-in";
import { revokeUser, type RevokeDeps } from "./revoke";
import { sessionOrSecondStep, type SecondStepDeps, type SignInAnswer } from "./second-step";
import { RESET_LINK_TTL_MINUTES } from "./sign-up";
import type { SigningKeyService } from "./signing-keys";

export interface PasswordResetRequestDeps extends AccountMailDeps {
  readonly accounts: AccountStore;
  readonly emailTokens: EmailTokenStore;
  readonly rateLimiter: RateLimiter;
  readonly otpHashSecret: string;
  readonly issuer: string;
}

/**
 * `POST /api/auth/password/forgot`, the part the answer waits for: only the address's
 * form. The answer is the same `202 {}` whatever follows, so the route runs
 * `mailResetLink` after answering; neither the answer nor its timing depends on
 * whether the address has an account.
 */
export function acceptResetRequest({ settings }: SignInTenant, input: { readonly email: string }): Result<EmailAddress, Failure> {
  if (!allowsSignInMethod(settings, "password")) return err({ reason: "sign_in_method_disabled" });
  const email = parseEmailAddress(input.email);
  return email.ok ? ok(email.value) : err({ reason: "invalid_email" });
}

/**
 * Mails a reset link (purpose `reset_password`, 30 minutes, replacing any earlier one) to a
 * live user holding the address, verified or not (the link proves it). Counted per address
 * per hour with the "you already have an account" notices; past the limit, for an unknown
 * address, or when no provider takes it, nothing is sent and the outcome is only audited.
 */
export async function mailResetLink(deps: PasswordResetRequestDeps, audit: AuditRecorder, { tenant, settings }: SignInTenant, email: EmailAddress): Promise<void> {
  const details = { email_domain: email.asciiDomain };
  const owner = await deps.accounts.findByEmail(tenant.id, email.address);
  if (!owner || owner.user.disabled) {
    audit.record("auth.password_reset_requested", "failure", { tenantId: tenant.id, details: { ...details, reason: owner ? "user_disabled" : "unknown_account" } });
    return;
  }
  const userId = owner.user.id;
  if (!(await admitAccountMail(deps.rateLimiter, tenant.id, await emailKey(deps.otpHashSecret, email), settings.rate_limit_per_hour))) {
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, userId, details: { limit: "account_mail_per_hour", purpose: "reset_password" } });
    return;
  }
  const now = new Date();
  const link = await newLinkToken();
  // Sent to the address the account holds, as it was stored.
  const to = parseEmailAddress(owner.user.email ?? "");
  const address = to.ok ? to.value : email;
  await deps.emailTokens.issue(
    { tokenHash: link.hash, tenantId: tenant.id, userId, purpose: "reset_password", email: address.address, requestId: null, expiresAt: new Date(now.getTime() + RESET_LINK_TTL_MINUTES * 60_000) },
    now,
  );
  const sent = await sendAccountMail(deps, audit, {
    tenantId: tenant.id,
    userId,
    to: address,
    purpose: "reset_password",
    content: passwordResetEmail({ branding: settings.email_branding, link: emailLinkUrl(deps.issuer, link.token, "/reset-password"), expiresMinutes: RESET_LINK_TTL_MINUTES }),
  });
  if (!sent) await deps.emailTokens.consume(link.hash, new Date(), { purposes: ["reset_password"], tenantId: tenant.id });
  audit.record("auth.password_reset_requested", sent ? "success" : "failure", { tenantId: tenant.id, userId, details: { ...details, ...(sent ? {} : { reason: "email_unavailable" }) } });
}

export interface PasswordResetDeps extends SecondStepDeps, NewPasswordDeps, RevokeDeps, AccountMailDeps {
  readonly accounts: AccountStore;
  readonly emailTokens: EmailTokenStore;
  readonly tenants: TenantRepository;
  readonly signingKeys: SigningKeyService;
  readonly passwords: PasswordHashing;
  /** For a tenant's settings when the reset names no tenant (the hosted link page). */
  readonly defaultAudience: string;
}

/** How often a reset retries its compare-and-set when the password changed under it. */
const HASH_WRITE_ATTEMPTS = 3;

/**
 * `POST /api/auth/password/reset`, and the hosted link page's reset form (`tenant: null`:
 * the token names its tenant). The token is only looked at until the new password has
 * passed the policy, so a weak password leaves the link usable; then it is spent (one
 * winner among racing resets), the password replaced, the address marked verified (the
 * link proved it), every session of the user revoked, and a new session opened. A link
 * proves only the mailbox: a user with a second factor (or of a tenant that requires one)
 * gets `mfa_required` instead of the session, as after any first factor.
 */
export async function resetPassword(
  deps: PasswordResetDeps,
  audit: AuditRecorder,
  context: RequestContext,
  input: { token: string; password: string; tenant: SignInTenant | null },
): Promise<Result<SignInAnswer, Failure>> {
  if (!LINK_TOKEN_PATTERN.test(input.token)) return err({ reason: "code_expired" });
  const tokenHash = await linkTokenHash(input.token);
  const record = await deps.emailTokens.find(tokenHash, new Date());
  if (!record || record.purpose !== "reset_password" || record.userId === null || (input.tenant !== null && record.tenantId !== input.tenant.tenant.id)) {
    audit.record("auth.password_reset", "failure", { tenantId: input.tenant?.tenant.id ?? null, details: { reason: "code_expired" } });
    return err({ reason: "code_expired" });
  }
  const tenant = input.tenant ?? (await tenantOf(deps, record.tenantId));
  if (!tenant) return err({ reason: "code_expired" });
  const tenantId = tenant.tenant.id;
  if (!allowsSignInMethod(tenant.settings, "password")) return err({ reason: "sign_in_method_disabled" });
  const credential = await deps.accounts.findCredential(record.userId);
  // A link to an address the user no longer holds is dead.
  if (!credential || credential.user.tenantId !== tenantId || credential.user.email?.toLowerCase() !== record.email.toLowerCase()) {
    audit.record("auth.password_reset", "failure", { tenantId, userId: record.userId, details: { reason: "code_expired" } });
    return err({ reason: "code_expired" });
  }
  if (credential.user.disabled) {
    audit.record("auth.password_reset", "blocked", { tenantId, userId: record.userId, details: { reason: "user_disabled" } });
    return err({ reason: "user_disabled" });
  }
  const password = await acceptNewPassword(deps, input.password, { minLength: tenant.settings.password_min_length, email: record.email });
  if (!password.ok) return password;
  const signer = await deps.signingKeys.currentSigner();
  const passwordHash = await deps.passwords.hash(password.value);

  const now = new Date();
  const spent = await deps.emailTokens.consume(tokenHash, now, { purposes: ["reset_password"], tenantId });
  if (!spent || spent.userId !== record.userId) {
    audit.record("auth.password_reset", "failure", { tenantId, userId: record.userId, details: { reason: "code_expired" } });
    return err({ reason: "code_expired" });
  }
  const userId = record.userId;
  // The link outranks whatever password is there: a change racing the reset is retried over.
  let expected = credential.passwordHash;
  for (let attempt = 1; !(await deps.accounts.replacePasswordHash(userId, expected, passwordHash)); attempt++) {
    const current = await deps.accounts.findCredential(userId);
    if (!current || attempt >= HASH_WRITE_ATTEMPTS) return err({ reason: "code_expired" });
    expected = current.passwordHash;
  }
  await deps.accounts.markEmailVerified(userId, record.email);
  const revoked = await revokeUser(deps, userId, "revoke_sessions", now);
  audit.record("auth.password_reset", "success", { tenantId, userId, details: { sessions_revoked: revoked?.sessionsRevoked ?? 0 } });
  const session = await sessionOrSecondStep(deps, audit, context, tenant, { signer, userId, amr: ["pwd"], details: { method: "password_reset" } });
  await notifyPasswordChanged(deps, audit, tenant, userId, record.email);
  return session;
}

/** The notice that the password changed, to the account's address; a failed send is audited, nothing more. */
export async function notifyPasswordChanged(deps: AccountMailDeps, audit: AuditRecorder, { tenant, settings }: SignInTenant, userId: string, address: string): Promise<void> {
  const to = parseEmailAddress(address);
  if (!to.ok) return;
  await sendAccountMail(deps, audit, { tenantId: tenant.id, userId, to: to.value, purpose: "password_changed", content: passwordChangedEmail({ branding: settings.email_branding }) });
}

async function tenantOf(deps: PasswordResetDeps, tenantId: string): Promise<SignInTenant | null> {
  const tenant = await deps.tenants.find(tenantId);
  if (!tenant) return null;
  return { tenant, settings: resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience }) };
}
