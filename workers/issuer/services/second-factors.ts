import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import { newRecoveryCodes, normalizeRecoveryCode, recoveryCodeHash } from "../../../shared/crypto/recovery-codes";
import { decodeTotpSecret, TOTP_DIGITS, verifyTotp } from "../../../shared/crypto/totp";
import type { AuthenticationClaims } from "../../../shared/domain/authentication-methods";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import type { Result } from "../../../shared/errors/result";
import type { FactorOwner, SecondFactorStore } from "../../../shared/ports/second-factor-store";
import type { TenantRecord } from "../../../shared/ports/tenant-repository";
import type { UserRecord } from "../../../shared/ports/user-repository";
import type { IssuerDeps } from "../deps";
import type { AuditRecorder } from "./audit-recorder";
import { requireRecentStrongSignIn } from "./recent-sign-in";

/** What checking and spending second factors needs: the store, the two server secrets, and the request's audit trail. */
export interface SecondFactorDeps {
  readonly secondFactors: SecondFactorStore;
  /** Seals TOTP secrets at rest, as it seals signing keys. */
  readonly keyEncryptionSecret: string;
  /** Keys the recovery-code hashes, as it keys phone and email hashes. */
  readonly otpHashSecret: string;
  /** The request's recorder: a spent recovery code is audited with the request it came in. */
  readonly audit: AuditRecorder;
}

export function secondFactorDeps(deps: IssuerDeps, audit: AuditRecorder): SecondFactorDeps {
  return { secondFactors: deps.secondFactors, keyEncryptionSecret: deps.config.keyEncryptionSecret, otpHashSecret: deps.config.otpHashSecret, audit };
}

const CODE_PATTERN = new RegExp(`^[0-9]{${TOTP_DIGITS}}$`);

export async function secondFactorSummary(deps: SecondFactorDeps, userId: string): Promise<{ totp: boolean; passkeys: number; recoveryCodesRemaining: number }> {
  const { totp, passkeys, recoveryCodesRemaining } = await deps.secondFactors.summary(userId);
  return { totp, passkeys, recoveryCodesRemaining };
}

/**
 * True only for a valid code of the user's active factor whose time step is newer than the last
 * one accepted; the step is recorded in the same conditional UPDATE that accepts it, so a code
 * works once, however many requests race with it. Failures are the caller's to audit and count.
 */
export async function checkTotpCode(deps: SecondFactorDeps, user: { tenantId: string; userId: string }, code: string, now: Date): Promise<boolean> {
  if (!CODE_PATTERN.test(code)) return false;
  const owner: FactorOwner = { tenantId: user.tenantId, userId: user.userId };
  const factor = await deps.secondFactors.findTotp(owner, "active");
  if (!factor) return false;
  const secret = await openTotpSecret(deps.keyEncryptionSecret, factor.id, factor.sealedSecret);
  const step = await verifyTotp(secret, code, now);
  if (step === null || (factor.lastUsedStep !== null && step <= factor.lastUsedStep)) return false;
  return deps.secondFactors.acceptTotpStep(owner, factor.id, step);
}

/** Spends one of the user's unused recovery codes (typed in any case, with or without dashes); true when this call spent it. */
export async function spendRecoveryCode(deps: SecondFactorDeps, user: { tenantId: string; userId: string }, code: string, now: Date): Promise<boolean> {
  const normalized = normalizeRecoveryCode(code);
  if (normalized === null) return false;
  const owner: FactorOwner = { tenantId: user.tenantId, userId: user.userId };
  const outcome = await deps.secondFactors.spendRecoveryCode(owner, await recoveryCodeHash(deps.otpHashSecret, user.userId, normalized), now);
  if (outcome.spent) deps.audit.record("mfa.recovery_code_used", "success", { tenantId: user.tenantId, userId: user.userId, details: { remaining: outcome.remaining } });
  return outcome.spent;
}

/** The factor id is the additional data: a sealed secret copied onto another factor's row does not open. */
export function sealTotpSecret(keyEncryptionSecret: string, factorId: string, secret: string): Promise<string> {
  return sealSecret(keyEncryptionSecret, "totp-secret", secret, factorId);
}

/**
 * A stored secret that does not open means KEY_ENCRYPTION_SECRET changed or the row was altered:
 * an operator's problem, not a wrong code, so it is thrown rather than answered as one.
 */
export async function openTotpSecret(keyEncryptionSecret: string, factorId: string, sealed: string): Promise<Uint8Array> {
  const opened = await openSecret(keyEncryptionSecret, "totp-secret", sealed, factorId);
  const secret = opened === null ? null : decodeTotpSecret(opened);
  if (secret === null) throw new Error(`the sealed secret of TOTP factor ${factorId} does not open`);
  return secret;
}

/**
 * Who is changing their factors, and how they signed in: enough for the recent-strong-sign-in
 * rule. Routes build it from an access token; nothing here depends on where it came from.
 */
export interface FactorHolder {
  readonly tenant: TenantRecord;
  readonly settings: TenantSettings;
  readonly user: UserRecord;
  readonly authentication: AuthenticationClaims;
  /** The caller's own session, kept when a removal revokes the others; null when there is none. */
  readonly sessionId: string | null;
}

export function factorOwner(holder: FactorHolder): FactorOwner {
  return { tenantId: holder.tenant.id, userId: holder.user.id };
}

/**
 * The recent-strong-sign-in rule, audited when it refuses: a token that tries to change factors
 * without a fresh second factor is worth knowing about.
 */
export function requireStepUp(deps: SecondFactorDeps, holder: FactorHolder, action: string, now: Date): Result<void, Failure> {
  const allowed = requireRecentStrongSignIn(holder.authentication, now);
  if (!allowed.ok) deps.audit.record("mfa.step_up_refused", "blocked", { tenantId: holder.tenant.id, userId: holder.user.id, details: { action, session_id: holder.sessionId } });
  return allowed;
}

/** Ten new codes for the user, stored as keyed hashes bound to them; the plain codes are shown once. */
export async function recoveryCodeSet(deps: SecondFactorDeps, userId: string): Promise<{ readonly codes: string[]; readonly hashes: string[] }> {
  const codes = newRecoveryCodes();
  const hashes = await Promise.all(codes.map((code) => recoveryCodeHash(deps.otpHashSecret, userId, normalizeRecoveryCode(code) ?? code)));
  return { codes, hashes };
}
