import { DUMMY_PASSWORD_HASH } from "../../../shared/crypto/password-hash";
import { parseEmailAddress } from "../../../shared/domain/email-address";
import { MAX_PASSWORD_LENGTH, normalizePassword } from "../../../shared/domain/password-policy";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { LoginThrottle } from "../../../shared/ports/login-throttle";
import { emailKey } from "./account-session";
import { sendVerificationMail, type AddressVerificationDeps } from "./address-verification";
import type { AuditRecorder } from "./audit-recorder";
import type { PasswordHashing } from "./password-hashing";
import { networkHash, type SignInTenant } from "./phone-sign-in";
import { sessionOrSecondStep, type SecondStepDeps, type SignInAnswer } from "./second-step";
import type { SigningKeyService } from "./signing-keys";

export interface PasswordLoginDeps extends AddressVerificationDeps, SecondStepDeps {
  readonly accounts: AccountStore;
  readonly loginThrottle: LoginThrottle;
  readonly signingKeys: SigningKeyService;
  readonly passwords: PasswordHashing;
}

/**
 * `POST /api/auth/login`. The throttle is asked before anything else, so a lock holds even
 * against the right password. An unknown address, an account without a password and a wrong
 * password take one path: one Argon2id verification (against a fixed hash at the current
 * parameters when there is no stored one) and the same `401 invalid_credentials`.
 */
export async function passwordLogin(
  deps: PasswordLoginDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { readonly email: string; readonly password: string },
): Promise<Result<SignInAnswer, Failure>> {
  const { settings } = tenant;
  const tenantId = tenant.tenant.id;
  if (!allowsSignInMethod(settings, "password")) return err({ reason: "sign_in_method_disabled" });
  const email = parseEmailAddress(input.email);
  if (!email.ok) return err({ reason: "invalid_email" });
  const password = normalizePassword(input.password);
  // No stored password is longer, so nothing this long can be right; refused before it counts as a guess.
  if (Array.from(password).length > MAX_PASSWORD_LENGTH) return err({ reason: "invalid_request", field: "password", message: `password must be at most ${MAX_PASSWORD_LENGTH} characters.` });

  const accountKey = await emailKey(deps.otpHashSecret, email.value);
  const network = await networkHash(deps.otpHashSecret, context.network);
  const admission = await deps.loginThrottle.admit(tenantId, accountKey, network);
  if (admission.kind === "locked") {
    audit.record("auth.login_locked", "blocked", { tenantId, details: { scope: admission.scope, retry_after_ms: admission.retryAfterMs, email_domain: email.value.asciiDomain } });
    return err({ reason: "too_many_attempts", retryAfterSeconds: admission.retryAfterMs / 1000, of: "passwords" });
  }

  const credential = await deps.accounts.findByEmail(tenantId, email.value.address);
  const stored = credential?.passwordHash ?? null;
  const verification = await deps.passwords.verify(stored ?? DUMMY_PASSWORD_HASH, password);
  if (credential === null || stored === null || !verification.valid) {
    const reason = credential === null ? "unknown_account" : stored === null ? "no_password" : "wrong_password";
    audit.record("auth.login_failed", "failure", { tenantId, userId: credential?.user.id ?? null, details: { reason, email_domain: email.value.asciiDomain } });
    return err({ reason: "invalid_credentials" });
  }
  await deps.loginThrottle.succeeded(tenantId, accountKey, network, admission.attemptId);
  const { user } = credential;

  if (user.disabled) {
    audit.record("auth.login_failed", "blocked", { tenantId, userId: user.id, details: { reason: "user_disabled" } });
    return err({ reason: "user_disabled" });
  }
  if (verification.needsRehash) {
    // Compare-and-set against the hash just checked: a password changed meanwhile is never overwritten.
    const rehashed = await deps.accounts.replacePasswordHash(user.id, stored, await deps.passwords.hash(password));
    if (rehashed) audit.record("auth.password_rehashed", "success", { tenantId, userId: user.id });
  }
  if (settings.email_verification_required && !user.emailVerified) {
    const mailed = await sendVerificationMail(deps, audit, context, tenant, { userId: user.id, email: email.value });
    audit.record("auth.login_failed", "blocked", { tenantId, userId: user.id, details: { reason: "email_not_verified", verification: mailed } });
    return err({ reason: "email_not_verified" });
  }
  const signer = await deps.signingKeys.currentSigner();
  return sessionOrSecondStep(deps, audit, context, tenant, { signer, userId: user.id, amr: ["pwd"], details: { method: "password" } });
}
