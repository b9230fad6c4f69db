/**
 * What the soak did and saw: every action by kind and outcome, the audit events
 * those outcomes must have written, every 5xx or dropped connection, and every
 * answer the contract does not allow. Assertions read it after the run.
 */
import type { AuditEventType } from "../../shared/domain/audit-event-types";
import type { AuditOutcome } from "../../shared/ports/audit-log";

export interface ServerError {
  readonly route: string;
  /** The HTTP status, or the error that ended the request before an answer. */
  readonly status: number | string;
  readonly body: string;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Headers;
  readonly text: string;
}

export class SoakRecord {
  readonly #actions = new Map<string, number>();
  readonly #expectedAudit = new Map<string, number>();
  readonly serverErrors: ServerError[] = [];
  readonly surprises: string[] = [];
  requests = 0;

  /** One thing a client did, and how it turned out (`gate 200`, `refresh_race 200+401`). */
  action(kind: string, outcome: string | number): void {
    increment(this.#actions, `${kind} ${outcome}`);
  }

  /** Audit events (one unless `times` says more) the last answer obliges the issuer to have written. */
  expectAudit(tenantId: string, type: AuditEventType, outcome: AuditOutcome, times = 1): void {
    increment(this.#expectedAudit, auditKey(tenantId, type, outcome), times);
  }

  /** An answer the contract does not allow; the message says what and where, never a token. */
  surprise(message: string): void {
    this.surprises.push(message);
  }

  actions(): ReadonlyMap<string, number> {
    return new Map([...this.#actions].sort(([a], [b]) => a.localeCompare(b)));
  }

  expectedAudit(): ReadonlyMap<string, number> {
    return this.#expectedAudit;
  }

  /** Sends a request, counting it; a 5xx or a request that got no answer is kept with its route. */
  async http(route: string, url: string, init: RequestInit): Promise<HttpAnswer | null> {
    this.requests += 1;
    try {
      const response = await fetch(url, { ...init, signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
      const text = await response.text();
      if (response.status >= 500) this.serverErrors.push({ route, status: response.status, body: text.slice(0, 500) });
      return { status: response.status, headers: response.headers, text };
    } catch (error) {
      this.serverErrors.push({ route, status: error instanceof Error ? `${error.name}: ${error.message}` : String(error), body: "" });
      return null;
    }
  }
}

/** Far beyond any answer on a loaded machine: a request still open after this is a hang, and is reported. */
const REQUEST_TIMEOUT_MS = 60_000;

export function auditKey(tenantId: string, type: string, outcome: string): string {
  return `${tenantId} ${type}/${outcome}`;
}

function increment(map: Map<string, number>, key: string, by = 1): void {
  map.set(key, (map.get(key) ?? 0) + by);
}
