import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { parseEmailAddress } from "../../../shared/domain/email-address";
import { MAX_PASSWORD_LENGTH, normalizePassword } from "../../../shared/domain/password-policy";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod, type TenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { LoginThrottle } from "../../../shared/ports/login-throttle";
import type { SecondFactorStore } from "../../../shared/ports/second-factor-store";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AccountMailDeps } from "./account-mail";
import { emailKey } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import { acceptNewPassword, type NewPasswordDeps } from "./new-password";
import type { PasswordHashing } from "./password-hashing";
import { notifyPasswordChanged } from "./password-reset";
import { networkHash } from "./phone-sign-in";
import { requireRecentStrongSignIn } from "./recent-sign-in";
import { revokeOtherSessions, type RevokeDeps } from "./revoke";

export interface PasswordChangeDeps extends NewPasswordDeps, RevokeDeps, AccountMailDeps {
  readonly accounts: AccountStore;
  readonly secondFactors: SecondFactorStore;
  readonly loginThrottle: LoginThrottle;
  readonly passwords: PasswordHashing;
  readonly otpHashSecret: string;
}

/**
 * `POST /api/auth/password`. A user with a password must give it, and that check goes
 * through the login throttle under the same account key as a login, so this route is no
 * second way to guess. The new hash is written only over the hash that was checked; every
 * other session of the user is revoked, the caller's own stays. A user with a second factor
 * must have signed in with it recently: a password alone (or a stolen token) does not change it.
 */
export async function changePassword(
  deps: PasswordChangeDeps,
  audit: AuditRecorder,
  context: RequestContext,
  auth: AuthenticatedToken & { readonly settings: TenantSettings },
  input: { readonly currentPassword: string | undefined; readonly newPassword: string },
): Promise<Result<null, Failure>> {
  const { settings } = auth;
  const tenantId = auth.tenant.id;
  if (!allowsSignInMethod(settings, "password")) return err({ reason: "sign_in_method_disabled" });
  const factors = await deps.secondFactors.summary(auth.user.id);
  if (factors.totp || factors.passkeys > 0) {
    const recent = requireRecentStrongSignIn(auth.claims, new Date());
    if (!recent.ok) {
      audit.record("mfa.step_up_refused", "blocked", { tenantId, userId: auth.user.id, details: { action: "password_change", session_id: auth.claims.sid } });
      return recent;
    }
  }
  const credential = await deps.accounts.findCredential(auth.user.id);
  if (!credential) return err({ reason: "invalid_token", description: "invalid or revoked token" });
  const { user, passwordHash: stored } = credential;
  if (stored !== null && input.currentPassword === undefined) return err({ reason: "invalid_request", field: "current_password", message: "current_password is required when the account has a password." });
  const newPassword = await acceptNewPassword(deps, input.newPassword, { minLength: settings.password_min_length, email: user.email });
  if (!newPassword.ok) return newPassword;

  if (stored !== null) {
    const current = normalizePassword(input.currentPassword ?? "");
    if (Array.from(current).length > MAX_PASSWORD_LENGTH) return err({ reason: "invalid_request", field: "current_password", message: `current_password must be at most ${MAX_PASSWORD_LENGTH} characters.` });
    const accountKey = await throttleKey(deps.otpHashSecret, user.id, user.email);
    const network = await networkHash(deps.otpHashSecret, context.network);
    const admission = await deps.loginThrottle.admit(tenantId, accountKey, network);
    if (admission.kind === "locked") {
      audit.record("auth.login_locked", "blocked", { tenantId, userId: user.id, details: { scope: admission.scope, retry_after_ms: admission.retryAfterMs, during: "password_change" } });
      return err({ reason: "too_many_attempts", retryAfterSeconds: admission.retryAfterMs / 1000, of: "passwords" });
    }
    if (!(await deps.passwords.verify(stored, current)).valid) {
      audit.record("auth.login_failed", "failure", { tenantId, userId: user.id, details: { reason: "wrong_password", during: "password_change" } });
      return err({ reason: "invalid_credentials" });
    }
    await deps.loginThrottle.succeeded(tenantId, accountKey, network, admission.attemptId);
  }

  if (!(await deps.accounts.replacePasswordHash(user.id, stored, await deps.passwords.hash(newPassword.value)))) {
    // Changed (or set) by someone else since it was checked: what was proven is no longer the password.
    audit.record("auth.login_failed", "failure", { tenantId, userId: user.id, details: { reason: "password_changed_meanwhile", during: "password_change" } });
    return err({ reason: "invalid_credentials" });
  }
  const revoked = await revokeOtherSessions(deps, user.id, auth.claims.sid, "password_changed", new Date());
  audit.record("auth.password_changed", "success", { tenantId, userId: user.id, details: { had_password: stored !== null, sessions_revoked: revoked, session_id: auth.claims.sid } });
  if (user.email !== null) await notifyPasswordChanged(deps, audit, { tenant: auth.tenant, settings }, user.id, user.email);
  return ok(null);
}

/** The login's account key when the user has an address, so both share one lock; else one keyed by the user id. */
async function throttleKey(secret: string, userId: string, email: string | null): Promise<string> {
  const address = email === null ? null : parseEmailAddress(email);
  return address?.ok ? emailKey(secret, address.value) : hmacSha256Hex(secret, `user:${userId}`);
}
