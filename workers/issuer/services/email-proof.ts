import { parseEmailAddress, type EmailAddress } from "../../../shared/domain/email-address";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AccountStore } from "../../../shared/ports/account-store";
import type { EmailTokenRecord } from "../../../shared/ports/email-token-store";
import { newId } from "../../../shared/crypto/ids";
import type { UserRepository } from "../../../shared/ports/user-repository";
import { openEmailSession } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import type { SignInTenant } from "./phone-sign-in";
import { secondStepFor, sessionOrSecondStep, type MfaRequired, type SecondStepDeps, type SignInAnswer } from "./second-step";
import { revokeUser, type RevokeDeps } from "./revoke";
import type { ActiveSigner } from "./signing-keys";

export interface EmailProofDeps extends SecondStepDeps, RevokeDeps {
  readonly accounts: AccountStore;
  readonly users: UserRepository;
}

/** A spent code or link: what it was for, and how it was presented (for the audit trail). */
export interface EmailProof {
  readonly record: EmailTokenRecord;
  readonly via: "code" | "link";
  /** Loaded before the proof was spent. Null: prove the address, open no session (the link page's verifications). */
  readonly signer: ActiveSigner | null;
}

export interface EmailProofOutcome {
  readonly purpose: EmailTokenRecord["purpose"];
  readonly userId: string;
  /** A session, or the second step it still owes. */
  readonly session: SignInAnswer | null;
}

/**
 * What a spent code or link does, by the purpose it was sent for: sign in by the address,
 * confirm a new account's address, or move a user to a new address. The proof is already
 * spent when this runs; every refusal here is final for it.
 */
export async function completeEmailProof(
  deps: EmailProofDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  proof: EmailProof,
): Promise<Result<EmailProofOutcome, Failure>> {
  const { record } = proof;
  const tenantId = tenant.tenant.id;
  const email = parseEmailAddress(record.email);
  if (record.tenantId !== tenantId || !email.ok) return err({ reason: "code_expired" });
  const details = { via: proof.via, otp_request_id: record.requestId, purpose: record.purpose };

  switch (record.purpose) {
    case "sign_in": {
      if (!allowsSignInMethod(tenant.settings, "email_otp")) return err({ reason: "sign_in_method_disabled" });
      if (proof.signer === null) throw new Error("a sign-in proof needs a signer");
      await takeOverUnverifiedClaim(deps, audit, tenantId, email.value);
      if (tenant.settings.mfa !== "off") {
        const second = await emailSecondStep(deps, audit, tenant, email.value, details);
        if (second !== null) return second.ok ? ok({ purpose: record.purpose, userId: second.value.userId, session: second.value.answer }) : second;
      }
      const session = await openEmailSession(deps, audit, context, tenant, { signer: proof.signer, email: email.value, details });
      return session.ok ? ok({ purpose: record.purpose, userId: session.value.user_id, session: session.value }) : session;
    }
    case "verify_email": {
      if (record.userId === null) return err({ reason: "code_expired" });
      const user = await deps.accounts.markEmailVerified(record.userId, email.value.address);
      if (user === null) return err({ reason: "code_expired" });
      audit.record("auth.email_verified", "success", { tenantId, userId: user.id, details: { ...details, email_domain: email.value.asciiDomain } });
      return withUserSession(deps, audit, context, tenant, proof, user.id, details);
    }
    case "change_email": {
      if (record.userId === null) return err({ reason: "code_expired" });
      const changed = await deps.accounts.changeEmail(record.userId, email.value.address);
      if (changed.kind === "user_gone") return err({ reason: "code_expired" });
      if (changed.kind === "email_taken") {
        audit.record("auth.email_changed", "failure", { tenantId, userId: record.userId, details: { ...details, reason: "email_taken", email_domain: email.value.asciiDomain } });
        return err({ reason: "email_taken" });
      }
      audit.record("auth.email_changed", "success", { tenantId, userId: changed.user.id, details: { ...details, email_domain: email.value.asciiDomain } });
      return withUserSession(deps, audit, context, tenant, proof, changed.user.id, details);
    }
    case "reset_password":
      // Never spent here (callers ask only for the three purposes above); a reset needs a new password.
      return err({ reason: "code_expired" });
  }
}

async function withUserSession(
  deps: EmailProofDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  proof: EmailProof,
  userId: string,
  details: Record<string, unknown>,
): Promise<Result<EmailProofOutcome, Failure>> {
  if (proof.signer === null) return ok({ purpose: proof.record.purpose, userId, session: null });
  const session = await sessionOrSecondStep(deps, audit, context, tenant, { signer: proof.signer, userId, amr: ["otp"], details });
  return session.ok ? ok({ purpose: proof.record.purpose, userId, session: session.value }) : session;
}

/**
 * The second step the address's user owes, if any: null when none is (the session then opens
 * in openForEmail's one transaction). An address with no user yet owes one only when the
 * tenant requires a second factor: its user is created first, without a session.
 */
async function emailSecondStep(
  deps: EmailProofDeps,
  audit: AuditRecorder,
  tenant: SignInTenant,
  email: EmailAddress,
  details: Record<string, unknown>,
): Promise<Result<{ readonly userId: string; readonly answer: MfaRequired }, Failure> | null> {
  const tenantId = tenant.tenant.id;
  const holder = await deps.accounts.findByEmail(tenantId, email.address);
  let user = holder?.user.emailVerified === true ? holder.user : null;
  let created = false;
  if (user === null) {
    if (holder !== null || tenant.settings.mfa !== "required") return null;
    const claimed = await deps.users.findOrCreateByEmail({ tenantId, email: email.address, newUser: { id: newId("usr"), roles: tenant.settings.default_roles } });
    if (claimed === null) return err({ reason: "code_expired" });
    ({ user, created } = claimed);
  }
  const step = await secondStepFor(deps, audit, tenant, { user, created, amr: ["otp"], details });
  if (step === null || !step.ok) return step;
  return ok({ userId: user.id, answer: step.value });
}

/**
 * The pre-hijacking defence: someone may have signed up with this address before its owner,
 * setting a password and holding sessions without ever proving it. The owner has now proved
 * it, so the account becomes theirs: the password set before verification is dropped and
 * every session opened until now is revoked.
 */
async function takeOverUnverifiedClaim(deps: EmailProofDeps, audit: AuditRecorder, tenantId: string, email: EmailAddress): Promise<void> {
  const holder = await deps.accounts.findByEmail(tenantId, email.address);
  if (holder === null || holder.user.emailVerified) return;
  const claim = await deps.accounts.claimUnverifiedEmail(holder.user.id, email.address);
  if (claim === null) return;
  const revoked = await revokeUser(deps, claim.user.id, "revoke_sessions", new Date());
  audit.record("auth.unverified_claim_taken_over", "success", {
    tenantId,
    userId: claim.user.id,
    details: { password_dropped: claim.passwordDropped, sessions_revoked: revoked?.sessionsRevoked ?? 0, email_domain: email.asciiDomain },
  });
}
