import { estimatedCostUnits, unitsToDollars } from "../../../shared/domain/sms-pricing";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { BlockCount, SendCount, SmsStatsReader } from "../../../shared/ports/sms-stats-reader";
import type { TenantRepository } from "../../../shared/ports/tenant-repository";

export const SMS_STATS_DEFAULT_DAYS = 30;
export const SMS_STATS_MAX_DAYS = 90;

/** The key for sends whose number had no country libphonenumber could tell (CLDR's "unknown region"). */
export const UNKNOWN_COUNTRY = "ZZ";

export interface SmsStatsDeps {
  readonly tenants: TenantRepository;
  readonly smsStats: SmsStatsReader;
  readonly now: () => Date;
}

export interface SmsStatsView {
  readonly tenant_id: string;
  readonly window: { readonly from: string; readonly to: string };
  readonly sends: { readonly requested: number; readonly sent: number; readonly failed: number };
  readonly blocks: Readonly<Record<string, number>>;
  readonly delivery: {
    readonly delivered: number;
    readonly undelivered: number;
    readonly failed: number;
    /** Sent, but no final report yet (or the provider sends none, like SNS here). */
    readonly unknown: number;
    /** delivered / (delivered + undelivered + failed); null while no send has a final report. */
    readonly delivery_rate: number | null;
  };
  readonly estimated_spend: {
    readonly currency: "USD";
    readonly total: number;
    readonly by_country: Readonly<Record<string, { readonly sends: number; readonly estimated_cost: number }>>;
  };
}

/** `GET /api/admin/tenants/{id}/sms-stats`: the last `days` days up to now. */
export async function tenantSmsStats(deps: SmsStatsDeps, tenantId: string, days: number): Promise<Result<SmsStatsView, Failure>> {
  const tenant = await deps.tenants.find(tenantId);
  if (!tenant) return err({ reason: "not_found", message: "No such tenant." });
  const to = deps.now();
  const from = new Date(to.getTime() - days * 86_400_000);
  const [sends, blocks] = await Promise.all([deps.smsStats.sendCounts(tenant.id, { from, to }), deps.smsStats.blockCounts(tenant.id, { from, to })]);
  return ok({ tenant_id: tenant.id, window: { from: from.toISOString(), to: to.toISOString() }, ...summarizeSms(sends, blocks) });
}

/** Pure: the grouped counts as the answer's `sends`, `blocks`, `delivery` and `estimated_spend`. */
export function summarizeSms(sends: readonly SendCount[], blocks: readonly BlockCount[]): Omit<SmsStatsView, "tenant_id" | "window"> {
  let requested = 0;
  let sent = 0;
  let failed = 0;
  const delivery = { delivered: 0, undelivered: 0, failed: 0, unknown: 0 };
  const sentByCountry = new Map<string, number>();
  for (const row of sends) {
    requested += row.count;
    if (row.status === "failed") failed += row.count;
    if (row.status !== "sent") continue;
    sent += row.count;
    const country = row.phoneCountry ?? UNKNOWN_COUNTRY;
    sentByCountry.set(country, (sentByCountry.get(country) ?? 0) + row.count);
    if (row.deliveryStatus === "delivered" || row.deliveryStatus === "undelivered" || row.deliveryStatus === "failed") delivery[row.deliveryStatus] += row.count;
    else delivery.unknown += row.count;
  }

  const settled = delivery.delivered + delivery.undelivered + delivery.failed;
  let totalUnits = 0;
  const byCountry: [string, { sends: number; estimated_cost: number }][] = [];
  for (const [country, count] of [...sentByCountry].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const units = estimatedCostUnits(country === UNKNOWN_COUNTRY ? null : country, count);
    totalUnits += units;
    byCountry.push([country, { sends: count, estimated_cost: unitsToDollars(units) }]);
  }

  return {
    sends: { requested, sent, failed },
    blocks: blockCounts(blocks),
    delivery: { ...delivery, delivery_rate: settled === 0 ? null : Number((delivery.delivered / settled).toFixed(4)) },
    estimated_spend: { currency: "USD", total: unitsToDollars(totalUnits), by_country: Object.fromEntries(byCountry) },
  };
}

/** `rate_limited:<limit>` for rate limits, the refusal's reason otherwise; the same key from two event types adds up. */
function blockCounts(rows: readonly BlockCount[]): Record<string, number> {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = row.type === "auth.rate_limited" ? `rate_limited:${row.limit ?? "unknown"}` : (row.reason ?? "unknown");
    counts.set(key, (counts.get(key) ?? 0) + row.count);
  }
  // fromEntries defines own properties, so no key (not even "__proto__") can reach the prototype.
  return Object.fromEntries([...counts].sort(([a], [b]) => (a < b ? -1 : 1)));
}
