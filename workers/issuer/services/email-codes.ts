import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { newId } from "../../../shared/crypto/ids";
import { newLinkToken } from "../../../shared/crypto/link-token";
import { generateNumericCode } from "../../../shared/crypto/otp-code";
import type { EmailAddress } from "../../../shared/domain/email-address";
import type { CodeAndLinkEmail, EmailContent } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { EmailTokenStore } from "../../../shared/ports/email-token-store";
import type { OtpGuard } from "../../../shared/ports/otp-guard";
import type { RateLimiter } from "../../../shared/ports/rate-limiter";
import { emailKey, emailLinkUrl } from "./account-session";
import { sendAccountMail, type AccountMailDeps } from "./account-mail";
import type { AuditRecorder } from "./audit-recorder";
import { networkHash, type SignInTenant } from "./phone-sign-in";

const HOUR_MS = 3_600_000;

/**
 * Code-and-link emails one client network may make this tenant send in an hour, across every
 * address: a sender cycling through other people's addresses is stopped here, where each
 * address's own `rate_limit_per_hour` cannot see it.
 */
export const EMAIL_SENDS_PER_NETWORK_PER_HOUR = 30;

/**
 * The keyed hash of an email code, as the code guard stores and compares it. The code
 * and the link of one email share a request id, so whichever is used spends the other.
 */
export function emailCodeHash(secret: string, tenantId: string, address: EmailAddress, code: string): Promise<string> {
  return hmacSha256Hex(secret, `email-code:${tenantId}:${address.key}:${code}`);
}

export const emailSendKeys = {
  /** `network` is the client's network key (IPv4 address or IPv6 /64), never a raw spelling. */
  network: (tenantId: string, network: string) => `email:ip:${tenantId}:${network}`,
};

export interface EmailCodeDeps extends AccountMailDeps {
  readonly otpGuard: OtpGuard;
  readonly emailTokens: EmailTokenStore;
  readonly rateLimiter: RateLimiter;
  readonly otpHashSecret: string;
  readonly issuer: string;
}

/** The purposes an email with a code and a link serves; a reset link carries no code. */
export type EmailCodePurpose = "sign_in" | "verify_email" | "change_email";

export interface EmailCodeRequest {
  readonly email: EmailAddress;
  readonly purpose: EmailCodePurpose;
  /** The user the proof is for (`verify_email`, `change_email`); null for a sign-in. */
  readonly userId: string | null;
  readonly compose: (input: CodeAndLinkEmail) => EmailContent;
  /** An authorization request (its query) the link should continue: carried in the link's URL, checked again by the page. */
  readonly continueRequest?: string | undefined;
}

/**
 * Sends a one-time code and a link that do the same thing, once between them: the code's keyed
 * hash goes to the address's code guard (attempts, expiry, hourly sends, lockouts), the link's
 * hash to the token store under the same request id. A new email replaces the previous code and
 * link. When no provider takes the mail, both die and the send counts against nothing.
 */
export async function sendEmailCode(
  deps: EmailCodeDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant, settings }: SignInTenant,
  request: EmailCodeRequest,
): Promise<Result<{ request_id: string; expires_in: number }, Failure>> {
  const { email, purpose } = request;
  const networkKey = emailSendKeys.network(tenant.id, context.network);
  const networkHit = await deps.rateLimiter.hit(networkKey, EMAIL_SENDS_PER_NETWORK_PER_HOUR, HOUR_MS);
  if (!networkHit.allowed) {
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, userId: request.userId, details: { limit: "email_ip_per_hour", purpose, email_domain: email.asciiDomain } });
    return err({ reason: "rate_limited", retryAfterSeconds: networkHit.retryAfterMs / 1000 });
  }

  const guardKey = await emailKey(deps.otpHashSecret, email);
  const requestId = newId("req");
  const code = generateNumericCode(settings.otp_length);
  const ttlSeconds = settings.otp_expiry_minutes * 60;
  const reservation = await deps.otpGuard.reserve(tenant.id, guardKey, {
    codeHash: await emailCodeHash(deps.otpHashSecret, tenant.id, email, code),
    network: await networkHash(deps.otpHashSecret, context.network),
    requestId,
    ttlSeconds,
    maxAttempts: settings.max_otp_attempts,
    maxSendsPerHour: settings.rate_limit_per_hour,
  });
  if (reservation.kind === "rate_limited") {
    await deps.rateLimiter.release(networkKey, networkHit.windowStart);
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, userId: request.userId, details: { limit: reservation.limit, purpose, request_id: requestId } });
    return err({ reason: "rate_limited", retryAfterSeconds: reservation.retryAfterMs / 1000 });
  }

  const now = new Date();
  const link = await newLinkToken();
  await deps.emailTokens.issue({ tokenHash: link.hash, tenantId: tenant.id, userId: request.userId, purpose, email: email.address, requestId, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) }, now);
  audit.record("auth.email_code_requested", "success", { tenantId: tenant.id, userId: request.userId, details: { otp_request_id: requestId, purpose, email_domain: email.asciiDomain } });

  const content = request.compose({ branding: settings.email_branding, code, link: emailLinkUrl(deps.issuer, link.token, purpose === "sign_in" ? "/auth/link" : "/verify-email", request.continueRequest), expiresMinutes: settings.otp_expiry_minutes });
  const sent = await sendAccountMail(deps, audit, { tenantId: tenant.id, userId: request.userId, to: email, purpose, content });
  if (sent) return ok({ request_id: requestId, expires_in: ttlSeconds });

  // Nothing went out: the code and the link die, and the send counts against neither the address nor the network.
  await Promise.all([
    deps.otpGuard.cancel(tenant.id, guardKey, requestId),
    deps.emailTokens.spendForRequest(requestId, new Date()),
    deps.rateLimiter.release(networkKey, networkHit.windowStart),
  ]);
  return err({ reason: "email_unavailable" });
}
