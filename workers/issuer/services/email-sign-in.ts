import { LINK_TOKEN_PATTERN, linkTokenHash } from "../../../shared/crypto/link-token";
import { parseEmailAddress } from "../../../shared/domain/email-address";
import { signInEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { EmailTokenPurpose } from "../../../shared/ports/email-token-store";
import { emailKey } from "./account-session";
import type { AuditRecorder } from "./audit-recorder";
import { emailCodeHash } from "./email-codes";
import { sendEmailCode, type EmailCodeDeps } from "./email-codes";
import { completeEmailProof, type EmailProofDeps } from "./email-proof";
import { networkHash, type SignInTenant } from "./phone-sign-in";
import type { SignInAnswer } from "./second-step";
import type { SigningKeyService } from "./signing-keys";

export interface EmailSignInDeps extends EmailCodeDeps, EmailProofDeps {
  readonly signingKeys: SigningKeyService;
}

/** The links `POST /api/auth/email/verify` and the link page complete; a reset link needs a new password and goes elsewhere. */
export const PROOF_PURPOSES: readonly EmailTokenPurpose[] = ["sign_in", "verify_email", "change_email"];

/**
 * `POST /api/auth/email/request`: a code and a sign-in link to the address. The answer and the
 * work are the same whether or not the address has an account: nothing here looks it up.
 */
export async function requestEmailSignIn(
  deps: EmailSignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { email: string; continueRequest?: string | undefined },
): Promise<Result<{ request_id: string; expires_in: number }, Failure>> {
  const email = parseEmailAddress(input.email);
  if (!email.ok) return err({ reason: "invalid_email" });
  return sendEmailCode(deps, audit, context, tenant, { email: email.value, purpose: "sign_in", userId: null, compose: signInEmail, continueRequest: input.continueRequest });
}

/**
 * `POST /api/auth/email/verify` with `{email, code}`: the address's code guard decides (one
 * winner), then the link sent with the code is spent too; its purpose says what the code was for.
 */
export async function verifyEmailCode(
  deps: EmailSignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { email: string; code: string },
): Promise<Result<SignInAnswer, Failure>> {
  const tenantId = tenant.tenant.id;
  const email = parseEmailAddress(input.email);
  if (!email.ok) return err({ reason: "invalid_email" });
  // Loaded before the code is spent: a database outage then refuses the verify and leaves the code usable.
  const signer = await deps.signingKeys.currentSigner();
  const outcome = await deps.otpGuard.verify(tenantId, await emailKey(deps.otpHashSecret, email.value), {
    codeHash: await emailCodeHash(deps.otpHashSecret, tenantId, email.value, input.code),
    network: await networkHash(deps.otpHashSecret, context.network),
  });
  switch (outcome.kind) {
    case "invalid_code":
      audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "invalid_code", attempts_remaining: outcome.attemptsRemaining, channel: "email" } });
      return err({ reason: "invalid_code", attemptsRemaining: outcome.attemptsRemaining });
    case "code_expired":
      audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "code_expired", channel: "email" } });
      return err({ reason: "code_expired" });
    case "too_many_attempts":
      audit.record("auth.verify_failed", "blocked", { tenantId, details: { reason: "too_many_attempts", channel: "email" } });
      return err({ reason: "too_many_attempts", retryAfterSeconds: null });
    case "locked_out":
      audit.record("auth.locked_out", "blocked", { tenantId, details: { reason: "too_many_attempts", scope: outcome.scope === "phone" ? "address" : "network", channel: "email" } });
      return err({ reason: "too_many_attempts", retryAfterSeconds: outcome.retryAfterMs / 1000 });
    case "verified":
      break;
  }
  // The link went out with the code: whichever is used first spends the other.
  const record = await deps.emailTokens.spendForRequest(outcome.requestId, new Date());
  if (record === null || record.tenantId !== tenantId || !sameAddress(record.email, email.value.key)) {
    audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "code_expired", channel: "email", otp_request_id: outcome.requestId } });
    return err({ reason: "code_expired" });
  }
  return signedIn(await completeEmailProof(deps, audit, context, tenant, { record, via: "code", signer }));
}

/**
 * `POST /api/auth/email/verify` with `{token}`: the link's token, spent once for this tenant;
 * the code sent with it dies too. A sign-in link of a tenant without `email_otp` is refused
 * before it is spent; address confirmations work whatever the sign-in methods.
 */
export async function verifyEmailLink(
  deps: EmailSignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { token: string },
): Promise<Result<SignInAnswer, Failure>> {
  const tenantId = tenant.tenant.id;
  if (!LINK_TOKEN_PATTERN.test(input.token)) return err({ reason: "code_expired" });
  const tokenHash = await linkTokenHash(input.token);
  const signer = await deps.signingKeys.currentSigner();
  const now = new Date();
  const purposes = allowsSignInMethod(tenant.settings, "email_otp") ? PROOF_PURPOSES : PROOF_PURPOSES.filter((purpose) => purpose !== "sign_in");
  const record = await deps.emailTokens.consume(tokenHash, now, { purposes, tenantId });
  if (record === null) {
    const live = purposes.length < PROOF_PURPOSES.length ? await deps.emailTokens.find(tokenHash, now) : null;
    if (live?.purpose === "sign_in" && live.tenantId === tenantId) return err({ reason: "sign_in_method_disabled" });
    audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "code_expired", channel: "email_link" } });
    return err({ reason: "code_expired" });
  }
  await cancelCodeOf(deps, record);
  return signedIn(await completeEmailProof(deps, audit, context, tenant, { record, via: "link", signer }));
}

/** The code sent with a link that was just used dies with it. */
export async function cancelCodeOf(deps: Pick<EmailCodeDeps, "otpGuard" | "otpHashSecret">, record: { tenantId: string; email: string; requestId: string | null }): Promise<void> {
  const email = parseEmailAddress(record.email);
  if (record.requestId === null || !email.ok) return;
  await deps.otpGuard.cancel(record.tenantId, await emailKey(deps.otpHashSecret, email.value), record.requestId);
}

function sameAddress(stored: string, key: string): boolean {
  const parsed = parseEmailAddress(stored);
  return parsed.ok && parsed.value.key === key;
}

function signedIn(result: Result<{ session: SignInAnswer | null }, Failure>): Result<SignInAnswer, Failure> {
  if (!result.ok) return result;
  if (result.value.session === null) throw new Error("a verify with a signer opens a session");
  return ok(result.value.session);
}
