import type { AuditEvent } from "../../ports/audit-log";
import type { AuditSpool } from "../../ports/audit-spool";
import type { AuditSpool as AuditSpoolObject, SpooledRecord } from "./audit-spool";

/** Time first, so the spool gives the oldest events back first. */
function keyOf(event: Pick<AuditEvent, "id" | "createdAt">): string {
  return `${event.createdAt.toISOString()}:${event.id}`;
}

function toRecord(event: AuditEvent): SpooledRecord {
  return { key: keyOf(event), value: JSON.stringify(event) };
}

function toEvent(record: SpooledRecord): AuditEvent {
  const event = JSON.parse(record.value) as Omit<AuditEvent, "createdAt"> & { createdAt: string };
  return { ...event, createdAt: new Date(event.createdAt) };
}

export class AuditSpoolClient implements AuditSpool {
  readonly #namespace: DurableObjectNamespace<AuditSpoolObject>;

  constructor(namespace: DurableObjectNamespace<AuditSpoolObject>) {
    this.#namespace = namespace;
  }

  async hold(events: readonly AuditEvent[]): Promise<void> {
    await this.#stub().hold(events.map(toRecord));
  }

  async peek(limit: number): Promise<readonly AuditEvent[]> {
    return (await this.#stub().peek(limit)).map(toEvent);
  }

  async release(events: readonly Pick<AuditEvent, "id" | "createdAt">[]): Promise<void> {
    await this.#stub().release(events.map(keyOf));
  }

  #stub() {
    return this.#namespace.get(this.#namespace.idFromName("audit-spool"));
  }
}
