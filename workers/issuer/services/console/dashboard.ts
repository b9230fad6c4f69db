import type { ActivityStatsReader, BlockedCount, ProviderDeliveryCount, SignInCount, StatsBucket, WebhookAttemptCount } from "../../../../shared/ports/activity-stats";
import type { SmsStatsReader } from "../../../../shared/ports/sms-stats-reader";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import { summarizeSms } from "../sms-stats";

/** The ranges the dashboard offers; anything else is refused before a query runs. */
export const DASHBOARD_RANGES = { "24h": { hours: 24, bucket: "hour" }, "7d": { hours: 168, bucket: "hour" }, "30d": { hours: 720, bucket: "day" } } as const satisfies Record<string, { hours: number; bucket: StatsBucket }>;
export type DashboardRange = keyof typeof DASHBOARD_RANGES;

export function isDashboardRange(value: string): value is DashboardRange {
  return Object.hasOwn(DASHBOARD_RANGES, value);
}

/** One named line (or bar series) over the dashboard's buckets. */
export interface Series {
  readonly name: string;
  readonly values: readonly number[];
}

export interface DashboardView {
  readonly tenant: { readonly id: string; readonly name: string };
  readonly range: DashboardRange;
  readonly from: Date;
  readonly to: Date;
  /** The start of each time bucket, oldest first. */
  readonly buckets: readonly Date[];
  readonly signIns: readonly Series[];
  readonly signInFailures: readonly Series[];
  readonly blocked: readonly Series[];
  readonly webhooks: readonly Series[];
  /** Sends per country and their estimated cost (USD list prices; see shared/domain/sms-pricing.ts). */
  readonly smsByCountry: { readonly countries: readonly string[]; readonly sent: readonly number[]; readonly estimatedCostUsd: readonly number[]; readonly totalUsd: number };
  /** Per provider: delivered, not delivered (undelivered or failed), no report yet. */
  readonly deliveryByProvider: { readonly providers: readonly string[]; readonly delivered: readonly number[]; readonly failed: readonly number[]; readonly unknown: readonly number[] };
}

export interface DashboardDeps {
  readonly tenants: TenantRepository;
  readonly activity: ActivityStatsReader;
  readonly smsStats: SmsStatsReader;
  readonly now: () => Date;
}

const SIGN_IN_METHODS = ["phone", "email", "password", "passkey", "social", "second_factor", "other"] as const;

/** The dashboard of one tenant over `range` ending now; null when there is no such tenant. */
export async function tenantDashboard(deps: DashboardDeps, tenantId: string, range: DashboardRange): Promise<DashboardView | null> {
  const tenant = await deps.tenants.find(tenantId);
  if (!tenant) return null;
  const { hours, bucket } = DASHBOARD_RANGES[range];
  const to = deps.now();
  const from = new Date(to.getTime() - hours * 3_600_000);
  const window = { from, to };
  const [signIns, delivery, blocked, webhooks, sends] = await Promise.all([
    deps.activity.signIns(tenant.id, window, bucket),
    deps.activity.deliveryByProvider(tenant.id, window),
    deps.activity.blocked(tenant.id, window, bucket),
    deps.activity.webhookAttempts(tenant.id, window, bucket),
    deps.smsStats.sendCounts(tenant.id, window),
  ]);
  return shapeDashboard({ tenant: { id: tenant.id, name: tenant.name }, range, from, to, bucket }, { signIns, delivery, blocked, webhooks, sends: summarizeSms(sends, []) });
}

/** Pure: grouped rows into series with a value for every bucket (zero where nothing happened). */
export function shapeDashboard(
  frame: { readonly tenant: DashboardView["tenant"]; readonly range: DashboardRange; readonly from: Date; readonly to: Date; readonly bucket: StatsBucket },
  rows: {
    readonly signIns: readonly SignInCount[];
    readonly delivery: readonly ProviderDeliveryCount[];
    readonly blocked: readonly BlockedCount[];
    readonly webhooks: readonly WebhookAttemptCount[];
    readonly sends: ReturnType<typeof summarizeSms>;
  },
): DashboardView {
  const buckets = bucketStarts(frame.from, frame.to, frame.bucket);
  const index = new Map(buckets.map((start, position) => [start.getTime(), position]));
  const series = <Row extends { readonly bucket: Date; readonly count: number }>(list: readonly Row[], names: readonly string[], nameOf: (row: Row) => string): Series[] => {
    const values = new Map(names.map((name) => [name, buckets.map(() => 0)]));
    for (const row of list) {
      const position = index.get(truncate(row.bucket, frame.bucket).getTime());
      const line = values.get(nameOf(row));
      if (position !== undefined && line) line[position] = (line[position] ?? 0) + row.count;
    }
    return names.map((name) => ({ name, values: values.get(name) ?? [] }));
  };
  const methodsSeen = (outcome: SignInCount["outcome"]) => SIGN_IN_METHODS.filter((method) => rows.signIns.some((row) => row.outcome === outcome && row.method === method));
  const countries = Object.keys(rows.sends.estimated_spend.by_country);
  const providers = [...new Set(rows.delivery.filter((row) => row.status === "sent").map((row) => row.provider))].sort();
  const deliveredBy = (provider: string, statuses: readonly (string | null)[]) =>
    rows.delivery.filter((row) => row.provider === provider && row.status === "sent" && statuses.includes(row.deliveryStatus)).reduce((sum, row) => sum + row.count, 0);
  const sentBy = (provider: string) => rows.delivery.filter((row) => row.provider === provider && row.status === "sent").reduce((sum, row) => sum + row.count, 0);
  return {
    tenant: frame.tenant,
    range: frame.range,
    from: frame.from,
    to: frame.to,
    buckets,
    signIns: series(rows.signIns.filter((row) => row.outcome === "success"), methodsSeen("success"), (row) => row.method),
    signInFailures: series(rows.signIns.filter((row) => row.outcome === "failure"), methodsSeen("failure"), (row) => row.method),
    blocked: series(rows.blocked, ["lockout", "rate_limited", "other"], (row) => row.kind),
    webhooks: series(rows.webhooks, ["succeeded", "failed"], (row) => (row.succeeded ? "succeeded" : "failed")),
    smsByCountry: {
      countries,
      sent: countries.map((country) => rows.sends.estimated_spend.by_country[country]?.sends ?? 0),
      estimatedCostUsd: countries.map((country) => rows.sends.estimated_spend.by_country[country]?.estimated_cost ?? 0),
      totalUsd: rows.sends.estimated_spend.total,
    },
    deliveryByProvider: {
      providers,
      delivered: providers.map((provider) => deliveredBy(provider, ["delivered"])),
      failed: providers.map((provider) => deliveredBy(provider, ["undelivered", "failed"])),
      unknown: providers.map((provider) => sentBy(provider) - deliveredBy(provider, ["delivered", "undelivered", "failed"])),
    },
  };
}

/** The start of every bucket that overlaps [from, to), in UTC. */
export function bucketStarts(from: Date, to: Date, bucket: StatsBucket): Date[] {
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  const starts: Date[] = [];
  for (let at = truncate(from, bucket).getTime(); at < to.getTime(); at += step) starts.push(new Date(at));
  return starts;
}

function truncate(at: Date, bucket: StatsBucket): Date {
  const step = bucket === "hour" ? 3_600_000 : 86_400_000;
  return new Date(Math.floor(at.getTime() / step) * step);
}
