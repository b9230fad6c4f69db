import { sha256Hex } from "../../../shared/crypto/hashing";
import { randomBase32 } from "../../../shared/crypto/ids";
import type { AmrValue } from "../../../shared/domain/authentication-methods";
import { MFA_TOKEN_MAX_ATTEMPTS, MFA_TOKEN_TTL_SECONDS } from "../../../shared/domain/mfa-ticket";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod, type TenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { MfaTickets } from "../../../shared/ports/mfa-tickets";
import type { UserRecord } from "../../../shared/ports/user-repository";
import { openUserSession, type AccountSessionDeps, type SignedIn } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import type { SignInTenant } from "./phone-sign-in";
import type { ActiveSigner } from "./signing-keys";

/** The second factors a user may present at `POST /api/auth/mfa/verify`. */
export type SecondFactorMethod = "totp" | "recovery_code" | "passkey";

/** What a user can enrol when the tenant requires a second factor and they have none yet. */
export type EnrolmentMethod = "totp" | "passkey";

export interface FactorSummary {
  readonly totp: boolean;
  readonly passkeys: number;
  readonly recoveryCodesRemaining: number;
}

/** A first factor passed, a second one still owed: the answer instead of a session. */
export interface MfaRequired {
  readonly mfa_required: true;
  readonly mfa_token: string;
  readonly methods: readonly SecondFactorMethod[];
  readonly expires_in: number;
  /** Present (true) when the user has no factor yet and the tenant requires one: enrol one of `enroll` with the token. */
  readonly enrollment_required?: true;
  readonly enroll?: readonly EnrolmentMethod[];
}

/** What every first factor answers: a session, or the second step. */
export type SignInAnswer = SignedIn | MfaRequired;

export interface SecondStepDeps extends AccountSessionDeps {
  readonly mfaTickets: MfaTickets;
  /** The user's second factors, as `/api/auth/me` counts them. */
  readonly factorSummary: (userId: string) => Promise<FactorSummary>;
}

/** `mfa_` and 160 random bits; only its SHA-256 is kept. */
const MFA_TOKEN_PATTERN = /^mfa_[0-9a-hjkmnp-tv-z]{32}$/;

export function isMfaToken(value: string): boolean {
  return MFA_TOKEN_PATTERN.test(value);
}

export function mfaTokenHash(token: string): Promise<string> {
  return sha256Hex(token);
}

/**
 * What the tenant and the user's factors ask of a sign-in after its first factor: nothing
 * (`null`), one of the user's factors, or (tenant `mfa: "required"`, no factor yet) an
 * enrolment. Recovery codes are listed while some remain; they exist only beside a factor. A tenant with `mfa: "off"` never asks, even of users who enrolled before.
 */
export async function secondStepDemand(deps: Pick<SecondStepDeps, "factorSummary">, settings: TenantSettings, userId: string): Promise<{ readonly methods: readonly SecondFactorMethod[]; readonly enrollment: boolean } | null> {
  if (settings.mfa === "off") return null;
  const summary = await deps.factorSummary(userId);
  const methods: SecondFactorMethod[] = [];
  if (summary.totp) methods.push("totp");
  // Recovery codes stand in for a factor; left over without one, they ask for nothing.
  if (summary.recoveryCodesRemaining > 0 && (summary.totp || summary.passkeys > 0)) methods.push("recovery_code");
  // A tenant with passkeys off hands out no passkey challenges: its users' passkeys are no factor there.
  if (summary.passkeys > 0 && allowsSignInMethod(settings, "passkey")) methods.push("passkey");
  if (methods.length > 0) return { methods, enrollment: false };
  return settings.mfa === "required" ? { methods, enrollment: true } : null;
}

/**
 * The end of every first factor for a known user: a session when no second step is owed,
 * else an `mfa_token` bound to the tenant, the user, the first factor's `amr` and its moment.
 */
export async function sessionOrSecondStep(
  deps: SecondStepDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly userId: string; readonly amr: readonly AmrValue[]; readonly newUser?: boolean; readonly details?: Record<string, unknown> },
): Promise<Result<SignInAnswer, Failure>> {
  const demand = await secondStepDemand(deps, tenant.settings, request.userId);
  if (demand === null) {
    const session = await openUserSession(deps, audit, context, tenant, request);
    return session.ok && request.newUser === true ? ok({ ...session.value, is_new_user: true }) : session;
  }
  return ok(await issueMfaToken(deps, audit, tenant, { ...request, ...demand }));
}

/**
 * The second step a user just found (or created) by a first factor owes, if any: null when
 * none is. A disabled user is refused here, as opening the session would refuse them.
 */
export async function secondStepFor(
  deps: Pick<SecondStepDeps, "factorSummary" | "mfaTickets">,
  audit: AuditRecorder,
  tenant: SignInTenant,
  request: { readonly user: Pick<UserRecord, "id" | "disabled">; readonly created: boolean; readonly amr: readonly AmrValue[]; readonly details: Record<string, unknown> },
): Promise<Result<MfaRequired, Failure> | null> {
  const { user } = request;
  const demand = await secondStepDemand(deps, tenant.settings, user.id);
  if (demand === null) return null;
  if (user.disabled) {
    audit.record("auth.verify_failed", "blocked", { tenantId: tenant.tenant.id, userId: user.id, details: { reason: "user_disabled" } });
    return err({ reason: "user_disabled" });
  }
  return ok(await issueMfaToken(deps, audit, tenant, { userId: user.id, amr: request.amr, newUser: request.created, ...demand, details: request.details }));
}

/** Stores the ticket in its own object and answers `mfa_required`; the token itself is never stored. */
export async function issueMfaToken(
  deps: Pick<SecondStepDeps, "mfaTickets">,
  audit: AuditRecorder,
  { tenant, settings }: SignInTenant,
  request: { readonly userId: string; readonly amr: readonly AmrValue[]; readonly newUser?: boolean; readonly methods: readonly SecondFactorMethod[]; readonly enrollment: boolean; readonly details?: Record<string, unknown> },
): Promise<MfaRequired> {
  const token = `mfa_${randomBase32(32)}`;
  await deps.mfaTickets.issue(
    await mfaTokenHash(token),
    { tenantId: tenant.id, userId: request.userId, amr: request.amr, firstFactorAt: Date.now(), enrollment: request.enrollment, newUser: request.newUser ?? false },
    { ttlSeconds: MFA_TOKEN_TTL_SECONDS, maxAttempts: MFA_TOKEN_MAX_ATTEMPTS },
  );
  audit.record("auth.mfa_required", "success", {
    tenantId: tenant.id,
    userId: request.userId,
    details: { ...request.details, amr: request.amr, methods: request.methods, enrollment_required: request.enrollment },
  });
  const answer = { mfa_required: true as const, mfa_token: token, methods: request.methods, expires_in: MFA_TOKEN_TTL_SECONDS };
  if (!request.enrollment) return answer;
  const enroll: EnrolmentMethod[] = allowsSignInMethod(settings, "passkey") ? ["totp", "passkey"] : ["totp"];
  return { ...answer, enrollment_required: true, enroll };
}

export function isMfaRequired(answer: SignInAnswer): answer is MfaRequired {
  return "mfa_required" in answer;
}
