export type AuditOutcome = "success" | "failure" | "blocked";

export interface AuditEvent {
  readonly id: string;
  readonly type: string;
  readonly outcome: AuditOutcome;
  readonly tenantId: string | null;
  readonly userId: string | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly country: string | null;
  /** Never a code, token, key, secret or phone number. */
  readonly details: Readonly<Record<string, unknown>>;
  readonly createdAt: Date;
}

export interface AuditPage {
  readonly events: readonly AuditEvent[];
  readonly nextCursor: string | null;
}

export interface AuditLog {
  append(events: readonly AuditEvent[]): Promise<void>;
  /** Newest first. `since` is inclusive and `until` exclusive, so consecutive ranges never count an event twice. */
  list(filter: { tenantId?: string; userId?: string; type?: string; outcome?: AuditOutcome; since?: Date; until?: Date; limit: number; cursor: string | null }): Promise<AuditPage>;
}
