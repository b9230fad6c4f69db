import type { Logger } from "../../../shared/logging/logger";
import type { AuditLog } from "../../../shared/ports/audit-log";
import type { AuditSpool } from "../../../shared/ports/audit-spool";

const BATCH = 200;
/** Bounds one cron run; a longer outage's backlog drains over a few runs. */
const MAX_BATCHES = 25;

/**
 * Moves spooled audit events into the audit log, oldest first. An event is
 * released only after its insert committed; the insert ignores ids already
 * present, so a run cut between the two repeats nothing.
 */
export async function drainAuditSpool(spool: AuditSpool, log: AuditLog, logger: Logger): Promise<number> {
  let moved = 0;
  for (let batch = 0; batch < MAX_BATCHES; batch += 1) {
    const events = await spool.peek(BATCH);
    if (events.length === 0) break;
    await log.append(events);
    await spool.release(events);
    moved += events.length;
  }
  if (moved > 0) logger.info("audit_spool_drained", { events: moved });
  return moved;
}
