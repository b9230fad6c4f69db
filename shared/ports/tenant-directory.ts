import type { PageCursor } from "../domain/page-cursor";

/** A tenant as a list shows it. */
export interface TenantSummary {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  readonly createdAt: Date;
}

/** A key pair as a list shows it: its id only; the keys are stored as hashes and shown once, at creation. */
export interface TenantKeySummary {
  readonly id: string;
  readonly createdAt: Date;
}

/** The operator's view across tenants: what the admin API has no list for. */
export interface TenantDirectory {
  /** Newest first, `limit` at a time after `after` (the last row of the previous page). */
  list(page: { readonly limit: number; readonly after: PageCursor | null }): Promise<{ readonly tenants: readonly TenantSummary[]; readonly next: PageCursor | null }>;
  /** The tenant's live key pairs, oldest first. */
  keys(tenantId: string): Promise<readonly TenantKeySummary[]>;
}
