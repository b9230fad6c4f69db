import { normalizePhone } from "../../../shared/domain/phone";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { UserRepository } from "../../../shared/ports/user-repository";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AuditRecorder } from "./audit-recorder";
import { spendPhoneCode, type SignInDeps, type SignInTenant } from "./phone-sign-in";
import { getProfile, type Profile, type ProfileDeps } from "./profile";

export interface PhoneAddingDeps extends Pick<SignInDeps, "otpGuard" | "otpHashSecret" | "rateLimiter">, ProfileDeps {
  readonly users: UserRepository;
}

/**
 * `POST /api/auth/verify` with an access token as well as the publishable key: the
 * code proves the phone is the signed-in user's, and it becomes their verified phone
 * (replacing any other) instead of signing anyone in.
 *
 * The code is spent before the phone's owner is looked at, so `409 phone_taken` is told
 * only to someone who holds the phone, and each attempt costs a fresh code.
 */
export async function addPhone(
  deps: PhoneAddingDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant }: SignInTenant,
  auth: AuthenticatedToken,
  input: { phone: string; code: string },
): Promise<Result<Profile, Failure>> {
  if (auth.tenant.id !== tenant.id) return err({ reason: "invalid_token", description: "the token belongs to another tenant" });
  const phone = normalizePhone(input.phone);
  if (!phone.ok) return err({ reason: "invalid_phone" });
  const spent = await spendPhoneCode(deps, audit, context, tenant.id, phone.value, input.code);
  if (!spent.ok) return spent;

  const attached = await deps.users.attachPhone(auth.user.id, phone.value.e164);
  const details = { otp_request_id: spent.value.requestId, phone_country: phone.value.country };
  switch (attached.kind) {
    case "taken":
      audit.record("auth.phone_added", "failure", { tenantId: tenant.id, userId: auth.user.id, details: { ...details, reason: "phone_taken" } });
      return err({ reason: "phone_taken" });
    case "no_user":
      return err({ reason: "invalid_token", description: "invalid or revoked token" });
    case "attached":
      audit.record("auth.phone_added", "success", { tenantId: tenant.id, userId: auth.user.id, details: { ...details, replaced: auth.user.phone !== null && auth.user.phone !== phone.value.e164 } });
      return ok(await getProfile(deps, attached.user));
  }
}
