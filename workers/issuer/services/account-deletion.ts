import type { Failure } from "../../../shared/errors/failure";
import type { Result } from "../../../shared/errors/result";
import type { SecondFactorStore } from "../../../shared/ports/second-factor-store";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AuditRecorder } from "./audit-recorder";
import { requireRecentSignIn, requireRecentStrongSignIn } from "./recent-sign-in";
import { deleteUser, type UserAdminDeps } from "./user-admin";

/**
 * A user deleting their own account: the admin's erasure (personal data gone, every session
 * revoked and published to the gate), behind the bar a password change has: a sign-in within
 * five minutes, with two factors when the account has a second factor. A session left open on
 * a shared machine cannot erase its owner.
 */
export async function deleteOwnAccount(deps: UserAdminDeps & { readonly secondFactors: SecondFactorStore }, audit: AuditRecorder, auth: AuthenticatedToken, now: Date): Promise<Result<null, Failure>> {
  const { totp, passkeys } = await deps.secondFactors.summary(auth.user.id);
  const recent = totp || passkeys > 0 ? requireRecentStrongSignIn(auth.claims, now) : requireRecentSignIn(auth.claims, now);
  if (!recent.ok) {
    audit.record("mfa.step_up_refused", "blocked", { tenantId: auth.tenant.id, userId: auth.user.id, details: { action: "account_deletion", session_id: auth.claims.sid } });
    return recent;
  }
  return deleteUser(deps, audit, auth.user.id);
}
