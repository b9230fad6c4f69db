import { DurableObject } from "cloudflare:workers";

/** A held record: its key orders the spool (oldest first), its value is opaque here. */
export interface SpooledRecord {
  readonly key: string;
  readonly value: string;
}

const PREFIX = "held:";
/** Storage takes at most 128 keys per put or delete. */
const KEYS_PER_CALL = 128;

/**
 * One object holds the audit events whose Postgres write failed. It only sees
 * traffic while the database is down, so a single instance is enough.
 */
export class AuditSpool extends DurableObject {
  async hold(records: readonly SpooledRecord[]): Promise<void> {
    for (let start = 0; start < records.length; start += KEYS_PER_CALL) {
      const chunk = records.slice(start, start + KEYS_PER_CALL);
      await this.ctx.storage.put(Object.fromEntries(chunk.map((record) => [PREFIX + record.key, record.value])));
    }
  }

  async peek(limit: number): Promise<SpooledRecord[]> {
    const held = await this.ctx.storage.list<string>({ prefix: PREFIX, limit: Math.max(1, Math.min(limit, 1000)) });
    return [...held].map(([key, value]) => ({ key: key.slice(PREFIX.length), value }));
  }

  async release(keys: readonly string[]): Promise<void> {
    for (let start = 0; start < keys.length; start += KEYS_PER_CALL) {
      await this.ctx.storage.delete(keys.slice(start, start + KEYS_PER_CALL).map((key) => PREFIX + key));
    }
  }
}
