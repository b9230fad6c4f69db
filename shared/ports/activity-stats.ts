import type { StatsWindow } from "./sms-stats-reader";

export type StatsBucket = "hour" | "day";

/** Sign-ins and failed sign-ins, by how the user tried (from the audit log). */
export interface SignInCount {
  readonly bucket: Date;
  readonly method: string;
  readonly outcome: "success" | "failure";
  readonly count: number;
}

/** Code requests per provider and what became of them. */
export interface ProviderDeliveryCount {
  readonly provider: string;
  readonly status: string;
  readonly deliveryStatus: string | null;
  readonly count: number;
}

/** Lockouts, rate limits and other refusals (audit events with outcome `blocked`). */
export interface BlockedCount {
  readonly bucket: Date;
  readonly kind: "lockout" | "rate_limited" | "other";
  readonly count: number;
}

export interface WebhookAttemptCount {
  readonly bucket: Date;
  readonly succeeded: boolean;
  readonly count: number;
}

/** Aggregates over one tenant's activity for the console's dashboard; each query is bounded by a (tenant_id, time) index. */
export interface ActivityStatsReader {
  signIns(tenantId: string, window: StatsWindow, bucket: StatsBucket): Promise<readonly SignInCount[]>;
  deliveryByProvider(tenantId: string, window: StatsWindow): Promise<readonly ProviderDeliveryCount[]>;
  blocked(tenantId: string, window: StatsWindow, bucket: StatsBucket): Promise<readonly BlockedCount[]>;
  webhookAttempts(tenantId: string, window: StatsWindow, bucket: StatsBucket): Promise<readonly WebhookAttemptCount[]>;
}
