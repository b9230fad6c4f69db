import type { AmrValue } from "../../../shared/domain/authentication-methods";
import { countPrefixFailure, guardSend, releaseBudget, type SendGuardDeps } from "./send-guard";
import { sendWithFailover } from "./sms-delivery";
import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { newId } from "../../../shared/crypto/ids";
import { generateNumericCode } from "../../../shared/crypto/otp-code";
import { normalizePhone, type NormalizedPhone } from "../../../shared/domain/phone";
import { phoneRefusal } from "../../../shared/domain/phone-rules";
import type { RequestContext } from "../../../shared/domain/request-context";
import { verificationSmsText } from "../../../shared/domain/sms-text";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { OtpGuard } from "../../../shared/ports/otp-guard";
import type { OtpRequestLog } from "../../../shared/ports/otp-request-log";
import type { SessionStore } from "../../../shared/ports/session-store";
import type { SmsSender } from "../../../shared/ports/sms-sender";
import type { TenantRecord } from "../../../shared/ports/tenant-repository";
import type { UserRepository } from "../../../shared/ports/user-repository";
import type { AuditRecorder } from "./audit-recorder";
import { secondStepFor, type MfaRequired, type SecondStepDeps } from "./second-step";
import { mintTokenPair, newRefreshTokenWithHash, type TokenPair } from "./session-tokens";
import type { SigningKeyService } from "./signing-keys";

export interface SignInDeps extends SendGuardDeps, SecondStepDeps {
  readonly users: UserRepository;
  readonly otpGuard: OtpGuard;
  readonly otpRequests: OtpRequestLog;
  readonly smsSenders: readonly SmsSender[];
  readonly sessions: SessionStore;
  readonly signingKeys: SigningKeyService;
  readonly otpHashSecret: string;
  readonly issuer: string;
}

export interface SignInTenant {
  readonly tenant: TenantRecord;
  readonly settings: TenantSettings;
}

/**
 * `POST /api/auth/request`: checks the number, reserves a send in the phone's
 * guard, and sends the code, failing over between providers. The answer does
 * not depend on whether the phone has an account.
 */
export async function requestCode(
  deps: SignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant, settings }: SignInTenant,
  input: { phone: string; turnstileToken: string | undefined },
): Promise<Result<{ request_id: string; expires_in: number }, Failure>> {
  const phone = normalizePhone(input.phone);
  if (!phone.ok) return err({ reason: "invalid_phone" });
  const refusal = phoneRefusal(phone.value, settings);
  if (refusal !== null) {
    audit.record("auth.code_requested", "blocked", { tenantId: tenant.id, details: { reason: refusal, phone_country: phone.value.country } });
    return err({ reason: "phone_not_allowed", detail: refusal });
  }

  const phoneKey = await phoneHash(deps.otpHashSecret, phone.value.e164);
  const guarded = await guardSend(deps, audit, context, { tenantId: tenant.id, settings, phone: phone.value, phoneKey, turnstileToken: input.turnstileToken });
  if (!guarded.ok) return guarded;
  const requestId = newId("req");
  const code = generateNumericCode(settings.otp_length);
  const ttlSeconds = settings.otp_expiry_minutes * 60;
  const reservation = await deps.otpGuard.reserve(tenant.id, phoneKey, {
    codeHash: await codeHash(deps.otpHashSecret, tenant.id, phone.value.e164, code),
    network: await networkHash(deps.otpHashSecret, context.network),
    requestId,
    ttlSeconds,
    maxAttempts: settings.max_otp_attempts,
    maxSendsPerHour: settings.rate_limit_per_hour,
  });
  if (reservation.kind === "rate_limited") {
    await releaseBudget(deps.rateLimiter, guarded.value);
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, details: { limit: reservation.limit, request_id: requestId } });
    return err({ reason: "rate_limited", retryAfterSeconds: reservation.retryAfterMs / 1000 });
  }
  audit.record("auth.code_requested", "success", { tenantId: tenant.id, details: { otp_request_id: requestId, phone_country: phone.value.country } });

  const delivery = await sendWithFailover(deps.smsSenders, { to: phone.value.e164, body: verificationSmsText(settings.sms_branding, code, settings.otp_expiry_minutes) });
  const attempts = delivery.attempts.map((attempt) => ({ provider: attempt.provider, outcome: attempt.outcome, ...(attempt.outcome === "accepted" ? {} : { error: attempt.error }) }));
  const sent = delivery.final?.outcome === "accepted" ? delivery.final : null;
  if (sent) audit.record("auth.code_sent", "success", { tenantId: tenant.id, details: { otp_request_id: requestId, provider: sent.provider, attempts } });
  else audit.record("auth.code_send_failed", "failure", { tenantId: tenant.id, details: { otp_request_id: requestId, attempts } });
  await audit.writeWith((events) =>
    deps.otpRequests.record(
      { id: requestId, tenantId: tenant.id, phoneHash: phoneKey, phoneCountry: phone.value.country, ip: context.ip, country: context.country },
      delivery.attempts,
      events,
    ),
  );
  if (sent) return ok({ request_id: requestId, expires_in: ttlSeconds });

  // Nothing was sent: the code dies, and the send counts neither against the phone nor the tenant's budget.
  await Promise.all([deps.otpGuard.cancel(tenant.id, phoneKey, requestId), releaseBudget(deps.rateLimiter, guarded.value)]);
  if (delivery.final?.outcome === "permanent_failure") return err({ reason: "invalid_phone" });
  return err({ reason: "sms_unavailable" });
}

export interface VerifiedSignIn extends TokenPair {
  readonly verified: true;
  readonly user_id: string;
  readonly is_new_user: boolean;
}

/** How a phone code proves who someone is (RFC 8176): the session's `amr`. */
export const PHONE_AMR: readonly AmrValue[] = ["sms"];

/**
 * `POST /api/auth/verify`: one winner per code; on success the user (created on first sign-in)
 * gets a session, or an `mfa_token` when a second step is owed.
 */
export async function verifyCode(
  deps: SignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant, settings }: SignInTenant,
  input: { phone: string; code: string },
): Promise<Result<VerifiedSignIn | MfaRequired, Failure>> {
  const phone = normalizePhone(input.phone);
  if (!phone.ok) return err({ reason: "invalid_phone" });
  // Loaded before the code is spent: a database outage then refuses the verify and leaves the code usable.
  const signer = await deps.signingKeys.currentSigner();
  const spent = await spendPhoneCode(deps, audit, context, tenant.id, phone.value, input.code);
  if (!spent.ok) return spent;
  const outcome = spent.value;
  if (settings.mfa !== "off") {
    const second = await phoneSecondStep(deps, audit, { tenant, settings }, phone.value, outcome.requestId);
    if (second !== null) return second;
  }

  const now = new Date();
  const sessionId = newId("ses");
  const refresh = await newRefreshTokenWithHash();
  const signedIn = await deps.sessions.openForPhone({
    tenantId: tenant.id,
    phone: phone.value.e164,
    newUser: { id: newId("usr"), roles: settings.default_roles },
    session: { id: sessionId, refreshTokenHash: refresh.hash, expiresAt: new Date(now.getTime() + settings.refresh_token_ttl_seconds * 1000), ip: context.ip, userAgent: context.userAgent, amr: PHONE_AMR, authTime: now },
  });
  const { user } = signedIn;
  if (signedIn.kind === "user_disabled") {
    audit.record("auth.verify_failed", "blocked", { tenantId: tenant.id, userId: user.id, details: { reason: "user_disabled" } });
    return err({ reason: "user_disabled" });
  }
  const created = signedIn.created;
  const pair = await mintTokenPair({ signer, issuer: deps.issuer, settings, user, sessionId, authentication: { amr: PHONE_AMR, authTime: now }, refreshToken: refresh.token, now });
  audit.record("auth.signed_in", "success", { tenantId: tenant.id, userId: user.id, details: { session_id: sessionId, new_user: created, otp_request_id: outcome.requestId } });
  return ok({ verified: true, ...pair, user_id: user.id, is_new_user: created });
}

/**
 * The second step a verified phone's user owes, if any: null when none is (the session then
 * opens in openForPhone's one transaction, as without second factors). A phone with no user
 * yet owes one only when the tenant requires a second factor: its user is created first,
 * without a session, so the enrolment has someone to enrol.
 */
async function phoneSecondStep(
  deps: SignInDeps,
  audit: AuditRecorder,
  tenant: SignInTenant,
  phone: NormalizedPhone,
  requestId: string,
): Promise<Result<MfaRequired, Failure> | null> {
  const tenantId = tenant.tenant.id;
  let user = (await deps.users.list({ tenantId, phone: phone.e164, limit: 1, cursor: null })).users[0] ?? null;
  let created = false;
  if (user === null) {
    if (tenant.settings.mfa !== "required") return null;
    const claimed = await deps.users.findOrCreateByPhone({ tenantId, phone: phone.e164, newUser: { id: newId("usr"), roles: tenant.settings.default_roles } });
    ({ user, created } = claimed);
  }
  return secondStepFor(deps, audit, tenant, { user, created, amr: PHONE_AMR, details: { method: "phone", otp_request_id: requestId } });
}

/**
 * Spends a phone's code in its guard: one winner per code. A wrong code also counts
 * against the number's prefix. Shared by sign-in and by adding a phone to an account.
 */
export async function spendPhoneCode(
  deps: Pick<SignInDeps, "otpGuard" | "otpHashSecret" | "rateLimiter">,
  audit: AuditRecorder,
  context: RequestContext,
  tenantId: string,
  phone: NormalizedPhone,
  code: string,
): Promise<Result<{ requestId: string }, Failure>> {
  const phoneKey = await phoneHash(deps.otpHashSecret, phone.e164);
  const outcome = await deps.otpGuard.verify(tenantId, phoneKey, {
    codeHash: await codeHash(deps.otpHashSecret, tenantId, phone.e164, code),
    network: await networkHash(deps.otpHashSecret, context.network),
  });
  switch (outcome.kind) {
    case "invalid_code":
      await countPrefixFailure(deps.rateLimiter, tenantId, phone.prefix);
      audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "invalid_code", attempts_remaining: outcome.attemptsRemaining } });
      return err({ reason: "invalid_code", attemptsRemaining: outcome.attemptsRemaining });
    case "code_expired":
      audit.record("auth.verify_failed", "failure", { tenantId, details: { reason: "code_expired" } });
      return err({ reason: "code_expired" });
    case "too_many_attempts":
      audit.record("auth.verify_failed", "blocked", { tenantId, details: { reason: "too_many_attempts" } });
      return err({ reason: "too_many_attempts", retryAfterSeconds: null });
    case "locked_out":
      audit.record("auth.locked_out", "blocked", { tenantId, details: { reason: "too_many_attempts", scope: outcome.scope } });
      return err({ reason: "too_many_attempts", retryAfterSeconds: outcome.retryAfterMs / 1000 });
    case "verified":
      return ok({ requestId: outcome.requestId });
  }
}

/** Keyed, so a leaked table or object name does not reveal phone numbers by brute force over the number space. */
export function phoneHash(secret: string, e164: string): Promise<string> {
  return hmacSha256Hex(secret, `phone:${e164}`);
}

/** Failure runs are kept per client network; the phone's object holds only this keyed hash of it, never an address. */
export function networkHash(secret: string, network: string): Promise<string> {
  return hmacSha256Hex(secret, `network:${network}`);
}

function codeHash(secret: string, tenantId: string, e164: string, code: string): Promise<string> {
  return hmacSha256Hex(secret, `code:${tenantId}:${e164}:${code}`);
}
