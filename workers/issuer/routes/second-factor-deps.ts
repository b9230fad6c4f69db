import type { IssuerDeps } from "../deps";
import type { AuditRecorder } from "../services/audit-recorder";
import type { EnrolmentStepDeps } from "../services/enrolment-step";
import type { MfaVerifyDeps } from "../services/mfa-verify";
import { verifyPasskeyAssertion } from "../services/passkeys/passkey-sign-in";
import { checkTotpCode, secondFactorDeps, spendRecoveryCode } from "../services/second-factors";
import type { SecondStepDeps } from "../services/second-step";

/** What every first factor needs to decide on, and issue, a second step. */
export function secondStepDeps(deps: IssuerDeps): SecondStepDeps {
  return { sessions: deps.sessions, issuer: deps.config.issuerUrl, mfaTickets: deps.mfaTickets, factorSummary: (userId) => deps.secondFactors.summary(userId) };
}

/** `POST /api/auth/mfa/verify`'s checks: the TOTP and recovery-code services, and passkey assertions. */
export function mfaVerifyDeps(deps: IssuerDeps, audit: AuditRecorder): MfaVerifyDeps {
  const factors = secondFactorDeps(deps, audit);
  return {
    ...secondStepDeps(deps),
    signingKeys: deps.signingKeys,
    secondFactors: {
      totp: (user, code, now) => checkTotpCode(factors, user, code, now),
      recoveryCode: (user, code, now) => spendRecoveryCode(factors, user, code, now),
      passkey: async (tenant, proof, now) => (await verifyPasskeyAssertion({ passkeys: deps.passkeys, webauthnChallenges: deps.webauthnChallenges, issuer: deps.config.issuerUrl, audit }, tenant, { challengeId: proof.challengeId, credential: proof.credential, expectedUserId: proof.userId }, now)).ok,
    },
  };
}

/** The enrolment routes' reading of an enrolment `mfa_token`, and the session its completion opens. */
export function enrolmentStepDeps(deps: IssuerDeps): EnrolmentStepDeps {
  return { ...secondStepDeps(deps), tenants: deps.tenants, users: deps.users, signingKeys: deps.signingKeys, defaultAudience: deps.config.defaultAudience };
}
