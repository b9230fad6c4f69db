import { openSecret } from "../../../shared/crypto/key-encryption";
import type { NormalizedPhone } from "../../../shared/domain/phone";
import type { RequestContext } from "../../../shared/domain/request-context";
import { assessRisk, lineKindFromLookup, lineKindFromNumberType, MIN_SENDS_FOR_FAILURE_RATIO, type LineKind } from "../../../shared/domain/risk-score";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import { turnstileAnswerMismatch } from "../../../shared/domain/turnstile-answer";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { CarrierLookup } from "../../../shared/ports/carrier-lookup";
import type { RateLimiter } from "../../../shared/ports/rate-limiter";
import type { WindowDecision } from "../../../shared/domain/fixed-window";
import type { TurnstileVerifier } from "../../../shared/ports/turnstile-verifier";
import type { AuditRecorder } from "./audit-recorder";
import { turnstileSecretContext } from "./tenant-admin";

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;
/** A counter that only counts: the limit is never the point. */
const UNLIMITED = 10_000_000;

export interface SendGuardDeps {
  readonly rateLimiter: RateLimiter;
  readonly carrierLookup: CarrierLookup | null;
  readonly turnstile: TurnstileVerifier;
  readonly keyEncryptionSecret: string;
}

export interface SendCandidate {
  readonly tenantId: string;
  readonly settings: TenantSettings;
  readonly phone: NormalizedPhone;
  readonly phoneKey: string;
  readonly turnstileToken: string | undefined;
}

/** Counter keys: one Durable Object each, so one busy tenant or prefix never serialises another. */
export const velocityKeys = {
  prefix: (tenantId: string, prefix: string) => `sms:prefix:${tenantId}:${prefix}`,
  /** `network` is the client's network key (IPv4 address or IPv6 /64), never a raw spelling. */
  ip: (tenantId: string, network: string) => `sms:ip:${tenantId}:${network}`,
  budget: (tenantId: string, now: Date) => `sms:budget:${tenantId}:${now.toISOString().slice(0, 10)}`,
  prefixFailures: (tenantId: string, prefix: string) => `otp:fail:${tenantId}:${prefix}`,
};

/** The day's budget hit a cleared send holds: handed back when no SMS goes out after all. */
export interface BudgetHold {
  readonly key: string;
  readonly windowStart: number;
}

/**
 * The abuse checks before a code is sent (SMS pumping): the carrier's line
 * type, velocity per prefix and per client IP, the tenant's daily budget, and a
 * risk score that is challenged with Turnstile or refused above the tenant's
 * threshold. Every refusal is audited with its reason.
 */
export async function guardSend(deps: SendGuardDeps, audit: AuditRecorder, context: RequestContext, candidate: SendCandidate): Promise<Result<BudgetHold, Failure>> {
  const { tenantId, settings, phone } = candidate;
  const blocked = blockedRecorder(audit, candidate);

  let line: LineKind = lineKindFromNumberType(phone.type);
  let lookupFailed = false;
  if (settings.carrier_lookup && deps.carrierLookup) {
    const lookup = await deps.carrierLookup.lookup(phone.e164, candidate.phoneKey);
    if (lookup.ok) {
      line = lineKindFromLookup(lookup.lineType);
      if (line === "voip" && settings.voip_blocking) {
        blocked("voip", { source: "carrier_lookup" });
        return err({ reason: "phone_not_allowed", detail: "voip" });
      }
    } else {
      // Neither shut out nor waved through: the send goes on, scored as riskier, and the failure is on record.
      lookupFailed = true;
      audit.record("auth.carrier_lookup_failed", "failure", { tenantId, details: { error: lookup.error, phone_country: phone.country } });
    }
  }

  const budgetKey = velocityKeys.budget(tenantId, new Date());
  const [prefixHit, ipHit, budgetHit, prefixFailures] = await Promise.all([
    deps.rateLimiter.hit(velocityKeys.prefix(tenantId, phone.prefix), settings.sms_per_prefix_per_hour, HOUR_MS),
    deps.rateLimiter.hit(velocityKeys.ip(tenantId, context.network), settings.sms_per_ip_per_hour, HOUR_MS),
    deps.rateLimiter.hit(budgetKey, settings.sms_daily_budget, DAY_MS),
    deps.rateLimiter.count(velocityKeys.prefixFailures(tenantId, phone.prefix), HOUR_MS),
  ]);
  if (!budgetHit.allowed) {
    audit.record("auth.rate_limited", "blocked", { tenantId, details: { limit: "daily_budget", phone_country: phone.country } });
    return err({ reason: "rate_limited", retryAfterSeconds: budgetHit.retryAfterMs / 1000 });
  }
  const budget: BudgetHold = { key: budgetKey, windowStart: budgetHit.windowStart };
  const verdict = await judgeSend(deps, audit, context, candidate, { line, lookupFailed, prefixHit, ipHit, prefixFailures });
  if (verdict.ok) return ok(budget);
  await releaseBudget(deps.rateLimiter, budget);
  return verdict;
}

function blockedRecorder(audit: AuditRecorder, { tenantId, phone }: SendCandidate) {
  return (reason: string, details: Record<string, unknown> = {}) =>
    audit.record("auth.code_requested", "blocked", { tenantId, details: { reason, phone_country: phone.country, ...details } });
}

interface SendSignals {
  readonly line: LineKind;
  readonly lookupFailed: boolean;
  readonly prefixHit: WindowDecision;
  readonly ipHit: WindowDecision;
  readonly prefixFailures: number;
}

/** The velocity limits, then the risk score and its Turnstile challenge: whether a send that fits the budget may go out. */
async function judgeSend(deps: SendGuardDeps, audit: AuditRecorder, context: RequestContext, candidate: SendCandidate, signals: SendSignals): Promise<Result<null, Failure>> {
  const { tenantId, settings, phone } = candidate;
  const { line, lookupFailed, prefixHit, ipHit, prefixFailures } = signals;
  const blocked = blockedRecorder(audit, candidate);
  for (const [limit, hit] of [["prefix_per_hour", prefixHit], ["ip_per_hour", ipHit]] as const) {
    if (!hit.allowed) {
      audit.record("auth.rate_limited", "blocked", { tenantId, details: { limit, phone_country: phone.country } });
      return err({ reason: "rate_limited", retryAfterSeconds: hit.retryAfterMs / 1000 });
    }
  }

  const prefixSends = prefixHit.allowed ? settings.sms_per_prefix_per_hour - prefixHit.remaining : settings.sms_per_prefix_per_hour;
  const ipSends = ipHit.allowed ? settings.sms_per_ip_per_hour - ipHit.remaining : 0;
  const risk = assessRisk({
    line,
    phoneCountry: phone.country,
    requestCountry: context.country,
    prefixVelocity: prefixSends / settings.sms_per_prefix_per_hour,
    ipVelocity: ipSends / settings.sms_per_ip_per_hour,
    prefixFailureRatio: prefixSends >= MIN_SENDS_FOR_FAILURE_RATIO ? prefixFailures / prefixSends : null,
    lookupFailed,
  });
  if (risk.score < settings.risk_threshold) return ok(null);

  const riskDetails = { risk_score: risk.score, risk_signals: risk.contributions };
  if (!settings.turnstile) {
    blocked("risk", riskDetails);
    return err({ reason: "phone_not_allowed", detail: "risk" });
  }
  if (candidate.turnstileToken === undefined) {
    blocked("challenge_required", riskDetails);
    return err({ reason: "phone_not_allowed", detail: "challenge_required", turnstileSiteKey: settings.turnstile.site_key });
  }
  const secret = await openSecret(deps.keyEncryptionSecret, "turnstile-secret", settings.turnstile.secret_key, turnstileSecretContext(tenantId));
  if (secret === null) {
    blocked("challenge_unverifiable", riskDetails);
    return err({ reason: "service_unavailable", retryAfterSeconds: 30 });
  }
  const outcome = await deps.turnstile.verify({ secret, token: candidate.turnstileToken, remoteIp: context.ip });
  switch (outcome.kind) {
    case "passed": {
      const mismatch = turnstileAnswerMismatch(settings.turnstile, outcome);
      if (mismatch !== null) {
        blocked("challenge_failed", { ...riskDetails, turnstile_errors: [mismatch] });
        return err({ reason: "phone_not_allowed", detail: "challenge_failed", turnstileSiteKey: settings.turnstile.site_key });
      }
      audit.record("auth.challenge_passed", "success", { tenantId, details: riskDetails });
      return ok(null);
    }
    case "failed":
      blocked("challenge_failed", { ...riskDetails, turnstile_errors: outcome.errorCodes });
      return err({ reason: "phone_not_allowed", detail: "challenge_failed", turnstileSiteKey: settings.turnstile.site_key });
    case "unavailable":
      blocked("challenge_unverifiable", riskDetails);
      return err({ reason: "service_unavailable", retryAfterSeconds: 30 });
  }
}

/** A send the budget counted but no SMS followed (the phone's own limit, every provider failed): it costs nothing, so it counts nothing. */
export async function releaseBudget(rateLimiter: RateLimiter, hold: BudgetHold): Promise<void> {
  await rateLimiter.release(hold.key, hold.windowStart);
}

/** Wrong codes per prefix feed the risk score of the next sends to that prefix. */
export async function countPrefixFailure(rateLimiter: RateLimiter, tenantId: string, prefix: string): Promise<void> {
  await rateLimiter.hit(velocityKeys.prefixFailures(tenantId, prefix), UNLIMITED, HOUR_MS);
}
