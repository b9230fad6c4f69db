/**
 * The risk of an SMS send, 0..100, from signals that each hint at SMS pumping.
 * Weights are documented in docs/abuse-controls.md; a tenant chooses the
 * threshold (`risk_threshold`) at or above which a send is challenged or refused.
 */
export type LineKind = "mobile" | "landline" | "voip" | "toll_free" | "personal" | "unknown";

export interface RiskSignals {
  /** From carrier lookup when enabled, else from libphonenumber's number type. */
  readonly line: LineKind;
  readonly phoneCountry: string | null;
  /** Cloudflare's `request.cf.country` of the caller. */
  readonly requestCountry: string | null;
  /** Sends to this number prefix this hour, as a share of the tenant's limit (0..1). */
  readonly prefixVelocity: number;
  /** Sends from this client network (an IPv4 address or IPv6 /64) this hour, as a share of the tenant's limit (0..1). */
  readonly ipVelocity: number;
  /** Wrong codes per send for this prefix this hour; null when too few sends to judge. */
  readonly prefixFailureRatio: number | null;
  /** Carrier lookup was enabled but failed: we know less than usual. */
  readonly lookupFailed: boolean;
}

export const RISK_WEIGHTS = {
  line: { mobile: 0, landline: 20, voip: 25, toll_free: 30, personal: 20, unknown: 15 },
  countryMismatch: 25,
  prefixVelocity: 30,
  ipVelocity: 20,
  prefixFailureRatio: 30,
  lookupFailed: 15,
} as const;

/** Fewer sends than this in the hour say nothing about a prefix's failure ratio. */
export const MIN_SENDS_FOR_FAILURE_RATIO = 5;

export interface RiskAssessment {
  readonly score: number;
  /** The signals that added to the score, for the audit log. */
  readonly contributions: Readonly<Record<string, number>>;
}

export function assessRisk(signals: RiskSignals): RiskAssessment {
  const contributions: Record<string, number> = {};
  const add = (name: string, points: number) => {
    if (points > 0) contributions[name] = Math.round(points);
  };
  add("line", RISK_WEIGHTS.line[signals.line]);
  if (signals.phoneCountry !== null && signals.requestCountry !== null && signals.phoneCountry !== signals.requestCountry) add("country_mismatch", RISK_WEIGHTS.countryMismatch);
  add("prefix_velocity", RISK_WEIGHTS.prefixVelocity * clamp(signals.prefixVelocity));
  add("ip_velocity", RISK_WEIGHTS.ipVelocity * clamp(signals.ipVelocity));
  if (signals.prefixFailureRatio !== null) add("prefix_failures", RISK_WEIGHTS.prefixFailureRatio * clamp(signals.prefixFailureRatio));
  if (signals.lookupFailed) add("lookup_failed", RISK_WEIGHTS.lookupFailed);
  const score = Math.min(100, Object.values(contributions).reduce((sum, points) => sum + points, 0));
  return { score, contributions };
}

function clamp(value: number): number {
  return Number.isFinite(value) ? Math.min(1, Math.max(0, value)) : 0;
}

/** libphonenumber's type, when no carrier lookup says better. */
export function lineKindFromNumberType(type: string | undefined): LineKind {
  switch (type) {
    case "MOBILE":
    case "FIXED_LINE_OR_MOBILE":
      return "mobile";
    case "FIXED_LINE":
      return "landline";
    case "VOIP":
      return "voip";
    case "TOLL_FREE":
      return "toll_free";
    case "PERSONAL_NUMBER":
      return "personal";
    default:
      return "unknown";
  }
}

/** Twilio Lookup v2 `line_type_intelligence.type`. */
export function lineKindFromLookup(type: string | null): LineKind {
  switch (type) {
    case "mobile":
      return "mobile";
    case "landline":
      return "landline";
    case "fixedVoip":
    case "nonFixedVoip":
      return "voip";
    case "tollFree":
      return "toll_free";
    case "personal":
      return "personal";
    default:
      return "unknown";
  }
}
