import { withSecondFactor, type AmrValue } from "../../../shared/domain/authentication-methods";
import type { MfaTicket } from "../../../shared/domain/mfa-ticket";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import { openUserSession, type SignedIn } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import type { SignInTenant } from "./phone-sign-in";
import { isMfaToken, mfaTokenHash, type SecondFactorMethod, type SecondStepDeps } from "./second-step";
import type { ActiveSigner, SigningKeyService } from "./signing-keys";

/** The second factor as presented; a passkey brings the assertion for a challenge of the second step. */
export type SecondFactorProof =
  | { readonly method: "totp" | "recovery_code"; readonly code: string }
  | { readonly method: "passkey"; readonly challengeId: string; readonly credential: unknown };

/** The checks of each second factor, each true only for a proof of this user's factor (spent where single use). */
export interface SecondFactorChecks {
  totp(user: { tenantId: string; userId: string }, code: string, now: Date): Promise<boolean>;
  recoveryCode(user: { tenantId: string; userId: string }, code: string, now: Date): Promise<boolean>;
  passkey(tenant: SignInTenant, proof: { challengeId: string; credential: unknown; userId: string }, now: Date): Promise<boolean>;
}

export interface MfaVerifyDeps extends SecondStepDeps {
  readonly signingKeys: SigningKeyService;
  readonly secondFactors: SecondFactorChecks;
}

/**
 * RFC 8176 has `otp` for one-time passwords: a TOTP code is one, and so is a recovery code
 * (single use, typed by the user). A passkey adds what it adds alone: `hwk` and `user`.
 */
export const SECOND_FACTOR_AMR: Readonly<Record<SecondFactorMethod, readonly AmrValue[]>> = {
  totp: ["otp"],
  recovery_code: ["otp"],
  passkey: ["hwk", "user"],
};

/**
 * `POST /api/auth/mfa/verify`. The attempt is counted in the token's object before the factor
 * is checked (so racing guesses cannot exceed five), and only the attempt that completes the
 * ticket opens a session: racing verifies have exactly one winner. The session's `amr` is
 * both factors' plus `mfa`; its `auth_time` is now, the moment of the second factor.
 */
export async function verifySecondFactor(
  deps: MfaVerifyDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { readonly mfaToken: string; readonly proof: SecondFactorProof },
): Promise<Result<SignedIn, Failure>> {
  const tenantId = tenant.tenant.id;
  const method = input.proof.method;
  if (!isMfaToken(input.mfaToken)) return expired(audit, tenantId, null, method);
  // Loaded before anything is spent: an outage then leaves the token and the code usable.
  const signer = await deps.signingKeys.currentSigner();
  const tokenHash = await mfaTokenHash(input.mfaToken);
  const admission = await deps.mfaTickets.attempt(tokenHash, tenantId);
  if (admission.kind === "expired") return expired(audit, tenantId, null, method);
  const { ticket } = admission;
  const now = new Date();
  if (!(await checkProof(deps, tenant, ticket, input.proof, now))) {
    audit.record("mfa.verify_failed", "failure", { tenantId, userId: ticket.userId, details: { reason: "invalid_code", method, attempts_remaining: admission.attemptsRemaining } });
    return err({ reason: "invalid_code", attemptsRemaining: admission.attemptsRemaining });
  }
  if (!(await deps.mfaTickets.complete(tokenHash, admission.attemptId))) return expired(audit, tenantId, ticket.userId, method);
  return openSecondFactorSession(deps, audit, context, tenant, { signer, ticket, second: SECOND_FACTOR_AMR[method], details: { method } });
}

/** The session a completed ticket earns: both factors' `amr` and `mfa`, `auth_time` now. */
export async function openSecondFactorSession(
  deps: SecondStepDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly ticket: MfaTicket; readonly second: readonly AmrValue[]; readonly details: Record<string, unknown> },
): Promise<Result<SignedIn, Failure>> {
  const { ticket } = request;
  const amr = withSecondFactor(ticket.amr, request.second);
  const session = await openUserSession(deps, audit, context, tenant, {
    signer: request.signer,
    userId: ticket.userId,
    amr,
    details: { ...request.details, first_factor_at: new Date(ticket.firstFactorAt).toISOString() },
  });
  if (!session.ok) return session.error.reason === "code_expired" ? err({ reason: "mfa_token_expired" }) : session;
  return ok({ ...session.value, is_new_user: ticket.newUser });
}

function checkProof(deps: MfaVerifyDeps, tenant: SignInTenant, ticket: MfaTicket, proof: SecondFactorProof, now: Date): Promise<boolean> {
  const user = { tenantId: ticket.tenantId, userId: ticket.userId };
  switch (proof.method) {
    case "totp":
      return deps.secondFactors.totp(user, proof.code, now);
    case "recovery_code":
      return deps.secondFactors.recoveryCode(user, proof.code, now);
    case "passkey":
      return deps.secondFactors.passkey(tenant, { challengeId: proof.challengeId, credential: proof.credential, userId: ticket.userId }, now);
  }
}

function expired(audit: AuditRecorder, tenantId: string, userId: string | null, method: SecondFactorMethod): Result<never, Failure> {
  audit.record("mfa.verify_failed", "failure", { tenantId, userId, details: { reason: "mfa_token_expired", method } });
  return err({ reason: "mfa_token_expired" });
}
