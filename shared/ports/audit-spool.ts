import type { AuditEvent } from "./audit-log";

/**
 * Durable storage beside the worker for audit events Postgres refused: an
 * acknowledged action keeps its event through a database outage, and the cron
 * moves the events into the audit log once Postgres is back.
 */
export interface AuditSpool {
  hold(events: readonly AuditEvent[]): Promise<void>;
  /** The oldest held events, at most `limit`. */
  peek(limit: number): Promise<readonly AuditEvent[]>;
  /** Forgets events that reached the audit log. */
  release(events: readonly Pick<AuditEvent, "id" | "createdAt">[]): Promise<void>;
}
