export interface StatsWindow {
  /** Inclusive. */
  readonly from: Date;
  /** Exclusive. */
  readonly to: Date;
}

/** Code requests that reached a provider, counted by what became of them. */
export interface SendCount {
  readonly phoneCountry: string | null;
  /** `sent`: a provider accepted it; `failed`: every provider refused or failed. */
  readonly status: string;
  /** The latest delivery report (`queued` until one arrives); null for failed sends. */
  readonly deliveryStatus: string | null;
  readonly count: number;
}

/** Refused code requests, from the audit log, counted by event type and its reason or limit. */
export interface BlockCount {
  readonly type: string;
  readonly reason: string | null;
  readonly limit: string | null;
  readonly count: number;
}

/** Aggregates over one tenant's SMS traffic, for the admin statistics. */
export interface SmsStatsReader {
  sendCounts(tenantId: string, window: StatsWindow): Promise<readonly SendCount[]>;
  /** `auth.code_requested` with outcome `blocked`, every `auth.rate_limited` and every `auth.code_blocked`. */
  blockCounts(tenantId: string, window: StatsWindow): Promise<readonly BlockCount[]>;
}
