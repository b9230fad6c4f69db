import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import { factorOwner, recoveryCodeSet, requireStepUp, type FactorHolder, type SecondFactorDeps } from "./second-factors";

/**
 * `POST /api/auth/mfa/recovery-codes`: a new set in place of the old, in one statement. Codes
 * are a way in without the second factor, so minting them needs what removing a factor needs: a
 * recent strong sign-in. A stolen access token alone must not mint one. A user without a second
 * factor has nothing for codes to stand in for.
 */
export async function renewRecoveryCodes(deps: SecondFactorDeps, holder: FactorHolder, now: Date): Promise<Result<{ recovery_codes: string[] }, Failure>> {
  const summary = await deps.secondFactors.summary(holder.user.id);
  if (!summary.totp && summary.passkeys === 0) return err({ reason: "no_second_factor" });
  const allowed = requireStepUp(deps, holder, "recovery_codes", now);
  if (!allowed.ok) return allowed;
  const recovery = await recoveryCodeSet(deps, holder.user.id);
  if (!(await deps.secondFactors.replaceRecoveryCodes(factorOwner(holder), recovery.hashes, now))) return err({ reason: "no_second_factor" });
  deps.audit.record("mfa.recovery_codes_generated", "success", { tenantId: holder.tenant.id, userId: holder.user.id, details: { count: recovery.codes.length, replaced: summary.recoveryCodesRemaining } });
  return ok({ recovery_codes: recovery.codes });
}
