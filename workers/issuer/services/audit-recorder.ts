import { newId } from "../../../shared/crypto/ids";
import type { AuditEventType } from "../../../shared/domain/audit-event-types";
import type { RequestContext } from "../../../shared/domain/request-context";
import type { Logger } from "../../../shared/logging/logger";
import type { AuditEvent, AuditLog, AuditOutcome } from "../../../shared/ports/audit-log";
import type { AuditSpool } from "../../../shared/ports/audit-spool";

/** Pauses between write attempts; the request waits for its events, so the whole budget stays short. */
export const AUDIT_RETRY_DELAYS_MS = [0, 100, 400] as const;

export interface AuditFields {
  readonly tenantId?: string | null;
  readonly userId?: string | null;
  /** Plain facts (reasons, providers, counts). Never a code, token, key, secret or phone number. */
  readonly details?: Readonly<Record<string, unknown>>;
}

/**
 * Collects a request's audit events and writes them in one insert before the
 * response leaves, so an acknowledged action has its event. When Postgres
 * still refuses after the retries, the events go to the spool, which the cron
 * empties into the audit log; only if the spool fails too are they logged
 * (with their ids) instead.
 */
export class AuditRecorder {
  readonly #log: AuditLog;
  readonly #spool: AuditSpool;
  readonly #context: RequestContext;
  readonly #logger: Logger;
  #pending: AuditEvent[] = [];
  #actor: Readonly<Record<string, unknown>> = {};

  constructor(log: AuditLog, spool: AuditSpool, context: RequestContext, logger: Logger) {
    this.#log = log;
    this.#spool = spool;
    this.#context = context;
    this.#logger = logger;
  }

  /**
   * Who acts for the rest of the request, added to every event recorded from here on (an
   * operator's console session): the services record an operator's change as they do for the
   * admin API, and the trail still says which signed-in session made it. It wins over a
   * service's own details of the same name, so nothing recorded can claim another actor.
   */
  actingAs(actor: Readonly<Record<string, unknown>>): void {
    this.#actor = actor;
  }

  record(type: AuditEventType, outcome: AuditOutcome, fields: AuditFields = {}): void {
    this.#pending.push({
      id: newId("evt"),
      type,
      outcome,
      tenantId: fields.tenantId ?? null,
      userId: fields.userId ?? null,
      ip: this.#context.ip,
      userAgent: this.#context.userAgent,
      country: this.#context.country,
      details: { ...fields.details, ...this.#actor, request_id: this.#context.requestId },
      createdAt: new Date(),
    });
  }

  /**
   * Hands the events recorded so far to `write`, which stores them in the same transaction as
   * its own change (one round trip instead of two). If it fails they stay pending, so the
   * request's flush still tries to write them on their own.
   */
  async writeWith(write: (events: readonly AuditEvent[]) => Promise<void>): Promise<void> {
    const events = this.#pending;
    this.#pending = [];
    try {
      await write(events);
    } catch (error) {
      this.#pending = [...events, ...this.#pending];
      throw error;
    }
  }

  async flush(): Promise<boolean> {
    const events = this.#pending;
    this.#pending = [];
    if (events.length === 0) return true;
    let lastError = "unknown";
    for (const delay of AUDIT_RETRY_DELAYS_MS) {
      if (delay > 0) await new Promise((resolve) => setTimeout(resolve, delay));
      try {
        await this.#log.append(events);
        return true;
      } catch (error) {
        lastError = error instanceof Error ? error.name : "unknown";
      }
    }
    try {
      await this.#spool.hold(events);
      this.#logger.warn("audit_write_spooled", { error: lastError, events: events.length });
      return true;
    } catch (error) {
      lastError = `${lastError}, spool: ${error instanceof Error ? error.name : "unknown"}`;
    }
    this.#logger.error("audit_write_failed", { error: lastError, event_ids: events.map((event) => event.id), types: events.map((event) => event.type) });
    return false;
  }
}
