import { newId } from "../../../shared/crypto/ids";
import { newTotpSecret, verifyTotp } from "../../../shared/crypto/totp";
import { otpauthUri } from "../../../shared/domain/otpauth-uri";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { RateLimiter } from "../../../shared/ports/rate-limiter";
import { revokeOtherSessions, type RevokeDeps } from "./revoke";
import { factorOwner, openTotpSecret, recoveryCodeSet, requireStepUp, sealTotpSecret, type FactorHolder, type SecondFactorDeps } from "./second-factors";

export interface TotpEnrolmentDeps extends SecondFactorDeps, RevokeDeps {
  /** Counts wrong confirmations per pending factor. */
  readonly rateLimiter: RateLimiter;
}

/** How long a started enrolment waits for its confirming code. */
export const PENDING_TOTP_SECONDS = 10 * 60;

/** Confirmation attempts per pending factor; the last wrong one drops it, and enrolment starts again. */
export const MAX_TOTP_CONFIRM_ATTEMPTS = 5;

const NO_PENDING_FACTOR: Failure = { reason: "not_found", message: "No authenticator app is waiting to be confirmed; start again with POST /api/auth/mfa/totp." };
const NO_ACTIVE_FACTOR: Failure = { reason: "not_found", message: "This account has no authenticator app." };

export interface TotpEnrolmentStarted {
  readonly factor_id: string;
  readonly secret: string;
  readonly otpauth_uri: string;
}

/**
 * `POST /api/auth/mfa/totp`: a pending factor, in place of any earlier pending one. A user who
 * already has an authenticator app removes it first; one who has a passkey is adding a second
 * factor to an account that has one, which needs a recent strong sign-in like any other change
 * to its factors.
 */
export async function startTotpEnrolment(deps: TotpEnrolmentDeps, holder: FactorHolder, now: Date): Promise<Result<TotpEnrolmentStarted, Failure>> {
  if (holder.settings.mfa === "off") return err({ reason: "sign_in_method_disabled" });
  const summary = await deps.secondFactors.summary(holder.user.id);
  if (summary.totp) return err({ reason: "totp_already_enrolled" });
  if (summary.passkeys > 0) {
    const allowed = requireStepUp(deps, holder, "totp_enrolment", now);
    if (!allowed.ok) return allowed;
  }
  const factorId = newId("totp");
  const secret = newTotpSecret();
  const owner = factorOwner(holder);
  const started = await deps.secondFactors.startTotp({ id: factorId, ...owner, sealedSecret: await sealTotpSecret(deps.keyEncryptionSecret, factorId, secret) }, now);
  // An active factor appeared since the summary (a confirmation that raced this start).
  if (!started) return err({ reason: "totp_already_enrolled" });
  deps.audit.record("mfa.totp_enrolment_started", "success", { ...auditSubject(holder), details: { factor_id: factorId } });
  const account = holder.user.email ?? holder.user.phone ?? holder.user.id;
  return ok({ factor_id: factorId, secret, otpauth_uri: otpauthUri({ issuer: holder.tenant.name, account, secret }) });
}

/**
 * `POST /api/auth/mfa/totp/confirm`: a code from the app proves it holds the secret. The factor
 * becomes active with that code's step as its last used one (so the same code cannot then sign
 * in), and a new set of recovery codes replaces any earlier set, in one statement.
 */
export async function confirmTotpEnrolment(deps: TotpEnrolmentDeps, holder: FactorHolder, code: string, now: Date): Promise<Result<{ recovery_codes: string[] }, Failure>> {
  if (holder.settings.mfa === "off") return err({ reason: "sign_in_method_disabled" });
  const owner = factorOwner(holder);
  const pendingSince = new Date(now.getTime() - PENDING_TOTP_SECONDS * 1000);
  const pending = await deps.secondFactors.findTotp(owner, "pending", pendingSince);
  if (!pending) return err(NO_PENDING_FACTOR);
  // Counted before the code is checked, so parallel guesses cannot exceed the bound.
  const attempt = await deps.rateLimiter.hit(confirmAttemptsKey(pending.id), MAX_TOTP_CONFIRM_ATTEMPTS, PENDING_TOTP_SECONDS * 1000);
  if (!attempt.allowed) {
    await deps.secondFactors.dropPendingTotp(owner, pending.id);
    return err(NO_PENDING_FACTOR);
  }
  const step = await verifyTotp(await openTotpSecret(deps.keyEncryptionSecret, pending.id, pending.sealedSecret), code, now);
  if (step === null) {
    if (attempt.remaining === 0) await deps.secondFactors.dropPendingTotp(owner, pending.id);
    deps.audit.record("mfa.totp_confirm_failed", "failure", { ...auditSubject(holder), details: { factor_id: pending.id, attempts_remaining: attempt.remaining, dropped: attempt.remaining === 0 } });
    return err({ reason: "invalid_code", attemptsRemaining: attempt.remaining });
  }
  const recovery = await recoveryCodeSet(deps, holder.user.id);
  const confirmed = await deps.secondFactors.confirmTotp(owner, pending.id, { step, codeHashes: recovery.hashes, now, pendingSince });
  // Replaced, dropped or confirmed by a racing request since it was read.
  if (!confirmed) return err(NO_PENDING_FACTOR);
  deps.audit.record("mfa.totp_enrolled", "success", { ...auditSubject(holder), details: { factor_id: pending.id } });
  deps.audit.record("mfa.recovery_codes_generated", "success", { ...auditSubject(holder), details: { count: recovery.codes.length, during: "totp_enrolment" } });
  return ok({ recovery_codes: recovery.codes });
}

/**
 * `DELETE /api/auth/mfa/totp`: needs a recent strong sign-in. The user's other sessions are
 * revoked (whoever else is signed in may be why the factor is going), and the recovery codes go
 * too when no second factor is left: they stand in for one and would otherwise be a way in
 * that nothing else backs.
 */
export async function removeTotp(deps: TotpEnrolmentDeps, holder: FactorHolder, now: Date): Promise<Result<null, Failure>> {
  const summary = await deps.secondFactors.summary(holder.user.id);
  if (!summary.totp) return err(NO_ACTIVE_FACTOR);
  const allowed = requireStepUp(deps, holder, "totp_removal", now);
  if (!allowed.ok) return allowed;
  const removed = await deps.secondFactors.removeTotp(factorOwner(holder));
  if (!removed.removed) return err(NO_ACTIVE_FACTOR);
  const revoked = await revokeOtherSessions(deps, holder.user.id, holder.sessionId ?? "", "mfa_removed", now);
  deps.audit.record("mfa.totp_removed", "success", {
    ...auditSubject(holder),
    details: { sessions_revoked: revoked, recovery_codes_deleted: removed.recoveryCodesDeleted, session_id: holder.sessionId },
  });
  return ok(null);
}

/** One counter per pending factor: a new enrolment has a new id, and so a fresh count. */
function confirmAttemptsKey(factorId: string): string {
  return `totp-confirm:${factorId}`;
}

function auditSubject(holder: FactorHolder): { tenantId: string; userId: string } {
  return { tenantId: holder.tenant.id, userId: holder.user.id };
}
