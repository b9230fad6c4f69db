import type { AmrValue } from "../../../shared/domain/authentication-methods";
import type { MfaTicket } from "../../../shared/domain/mfa-ticket";
import type { RequestContext } from "../../../shared/domain/request-context";
import { resolveTenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { TenantRepository } from "../../../shared/ports/tenant-repository";
import type { UserRecord, UserRepository } from "../../../shared/ports/user-repository";
import type { SignedIn } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import { openSecondFactorSession } from "./mfa-verify";
import type { SignInTenant } from "./phone-sign-in";
import { isMfaToken, mfaTokenHash, secondStepDemand, type SecondStepDeps } from "./second-step";
import type { SigningKeyService } from "./signing-keys";

export interface EnrolmentStepDeps extends SecondStepDeps {
  readonly tenants: TenantRepository;
  readonly users: UserRepository;
  readonly signingKeys: SigningKeyService;
  readonly defaultAudience: string;
}

/** Someone who passed a first factor for a user with no second factor, on a tenant that requires one. */
export interface EnrollingUser {
  readonly tenant: SignInTenant;
  readonly user: UserRecord;
  readonly ticket: MfaTicket;
  readonly tokenHash: string;
}

/** Not a live enrolment token: the app starts the sign-in again. */
const NOT_FOR_ENROLMENT = "this mfa_token is for POST /api/auth/mfa/verify: only a user with no second factor enrols one with an mfa_token";

/**
 * The enrolment routes' reading of `Authorization: Bearer <mfa_token>`: the token must be live,
 * issued as an enrolment (the tenant requires a second factor and the user had none), and the
 * user must still have none. An enrolment token left over once the user enrolled a factor
 * elsewhere is refused: from then on a first factor alone never adds a factor.
 */
export async function enrollingUser(deps: EnrolmentStepDeps, token: string): Promise<Result<EnrollingUser, Failure>> {
  if (!isMfaToken(token)) return err({ reason: "mfa_token_expired" });
  const tokenHash = await mfaTokenHash(token);
  const ticket = await deps.mfaTickets.peek(tokenHash, null);
  if (ticket === null) return err({ reason: "mfa_token_expired" });
  if (!ticket.enrollment) return err({ reason: "invalid_token", description: NOT_FOR_ENROLMENT });
  const [tenant, user] = await Promise.all([deps.tenants.find(ticket.tenantId), deps.users.find(ticket.userId)]);
  if (tenant === null || user === null || user.deletedAt !== null || user.disabled || user.tenantId !== tenant.id) return err({ reason: "mfa_token_expired" });
  const settings = resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.defaultAudience });
  const demand = await secondStepDemand(deps, settings, user.id);
  if (demand === null || !demand.enrollment) return err({ reason: "invalid_token", description: NOT_FOR_ENROLMENT });
  return ok({ tenant: { tenant, settings }, user, ticket, tokenHash });
}

/**
 * Counts an enrolment's confirmation against its token before the code or credential is
 * checked, as `/mfa/verify` does: five wrong confirmations end the token.
 */
export async function countEnrolmentAttempt(deps: Pick<EnrolmentStepDeps, "mfaTickets">, enrolling: EnrollingUser): Promise<Result<string, Failure>> {
  const admission = await deps.mfaTickets.attempt(enrolling.tokenHash, enrolling.tenant.tenant.id);
  return admission.kind === "admitted" ? ok(admission.attemptId) : err({ reason: "mfa_token_expired" });
}

/**
 * The end of an enrolment made with an mfa_token: the token is spent (one winner among racing
 * completions) and the session opens with the first factor's `amr`, the new factor's and `mfa`.
 */
export async function finishEnrolment(
  deps: EnrolmentStepDeps,
  audit: AuditRecorder,
  context: RequestContext,
  enrolling: EnrollingUser,
  attemptId: string,
  factor: { readonly method: "totp" | "passkey"; readonly amr: readonly AmrValue[] },
): Promise<Result<SignedIn, Failure>> {
  const signer = await deps.signingKeys.currentSigner();
  if (!(await deps.mfaTickets.complete(enrolling.tokenHash, attemptId))) return err({ reason: "mfa_token_expired" });
  audit.record("mfa.enrolment_completed", "success", { tenantId: enrolling.tenant.tenant.id, userId: enrolling.user.id, details: { method: factor.method } });
  return openSecondFactorSession(deps, audit, context, enrolling.tenant, { signer, ticket: enrolling.ticket, second: factor.amr, details: { method: factor.method, enrolment: true } });
}
