import { hmacSha256Hex } from "../../../shared/crypto/hashing";
import { newId } from "../../../shared/crypto/ids";
import { newLinkToken } from "../../../shared/crypto/link-token";
import { generateNumericCode } from "../../../shared/crypto/otp-code";
import type { EmailAddress } from "../../../shared/domain/email-address";
import { verifyAddressEmail } from "../../../shared/domain/email-text";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { EmailTokenStore } from "../../../shared/ports/email-token-store";
import type { OtpGuard } from "../../../shared/ports/otp-guard";
import { emailKey, emailLinkUrl } from "./account-session";
import { sendAccountMail, type AccountMailDeps } from "./account-mail";
import type { AuditRecorder } from "./audit-recorder";
import { networkHash, type SignInTenant } from "./phone-sign-in";

export interface AddressVerificationDeps extends AccountMailDeps {
  readonly otpGuard: OtpGuard;
  readonly emailTokens: EmailTokenStore;
  readonly otpHashSecret: string;
  readonly issuer: string;
}

/** `sent`; `rate_limited` when the address's code guard refused another send this hour (nothing was sent); `failed` when no provider took it. */
export type VerificationMailOutcome = "sent" | "rate_limited" | "failed";

/**
 * The keyed hash of an email code, as the code guard stores and compares it. The code
 * and the link of one email share a request id, so whichever is used spends the other.
 */
export function emailCodeHash(secret: string, tenantId: string, address: EmailAddress, code: string): Promise<string> {
  return hmacSha256Hex(secret, `email-code:${tenantId}:${address.key}:${code}`);
}

/**
 * Mails a `verify_email` code and link for `userId`'s address. The code is reserved in the
 * address's code guard (its hourly limit and locks apply, as for phones); the link token
 * carries the same request id. If no provider takes the mail, both die: the code is
 * cancelled (the send is not counted) and the token spent.
 */
export async function sendVerificationMail(
  deps: AddressVerificationDeps,
  audit: AuditRecorder,
  context: RequestContext,
  { tenant, settings }: SignInTenant,
  target: { readonly userId: string; readonly email: EmailAddress },
): Promise<VerificationMailOutcome> {
  const key = await emailKey(deps.otpHashSecret, target.email);
  const requestId = newId("req");
  const code = generateNumericCode(settings.otp_length);
  const ttlSeconds = settings.otp_expiry_minutes * 60;
  const reservation = await deps.otpGuard.reserve(tenant.id, key, {
    codeHash: await emailCodeHash(deps.otpHashSecret, tenant.id, target.email, code),
    network: await networkHash(deps.otpHashSecret, context.network),
    requestId,
    ttlSeconds,
    maxAttempts: settings.max_otp_attempts,
    maxSendsPerHour: settings.rate_limit_per_hour,
  });
  if (reservation.kind === "rate_limited") {
    audit.record("auth.rate_limited", "blocked", { tenantId: tenant.id, userId: target.userId, details: { limit: `email_${reservation.limit}`, purpose: "verify_email", request_id: requestId } });
    return "rate_limited";
  }
  const now = new Date();
  const link = await newLinkToken();
  await deps.emailTokens.issue(
    { tokenHash: link.hash, tenantId: tenant.id, userId: target.userId, purpose: "verify_email", email: target.email.address, requestId, expiresAt: new Date(now.getTime() + ttlSeconds * 1000) },
    now,
  );
  const sent = await sendAccountMail(deps, audit, {
    tenantId: tenant.id,
    userId: target.userId,
    to: target.email,
    purpose: "verify_email",
    content: verifyAddressEmail({ branding: settings.email_branding, code, link: emailLinkUrl(deps.issuer, link.token), expiresMinutes: settings.otp_expiry_minutes }),
  });
  if (sent) return "sent";
  await Promise.all([deps.otpGuard.cancel(tenant.id, key, requestId), deps.emailTokens.spendForRequest(requestId, new Date())]);
  return "failed";
}
