import type { RateLimiter } from "../../../shared/ports/rate-limiter";

const HOUR_MS = 3_600_000;

/**
 * Mails that carry no code (the "you already have an account" notice, reset links) are
 * counted per tenant and address, like codes in the code guard: at most the tenant's
 * `rate_limit_per_hour` an hour. `addressKey` is the address's keyed hash, never the address.
 */
export async function admitAccountMail(rateLimiter: RateLimiter, tenantId: string, addressKey: string, perHour: number): Promise<boolean> {
  const decision = await rateLimiter.hit(accountMailKey(tenantId, addressKey), perHour, HOUR_MS);
  return decision.allowed;
}

export function accountMailKey(tenantId: string, addressKey: string): string {
  return `mail:account:${tenantId}:${addressKey}`;
}
