import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import { normalizeRecoveryCode, recoveryCodeHash } from "../../../shared/crypto/recovery-codes";
import { decodeTotpSecret, TOTP_DIGITS, verifyTotp } from "../../../shared/crypto/totp";
import type { FactorOwner, SecondFactorStore } from "../../../shared/ports/second-factor-store";
import type { IssuerDeps } from "../deps";
import type { AuditRecorder } from "./audit-recorder";

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
