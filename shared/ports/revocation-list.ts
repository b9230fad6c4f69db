import type { OutboxEntry } from "./revocation-store";

/**
 * The global list the gate consults: revoked sessions, and per user "every token
 * issued before T". Entries expire once no access token they could match is alive.
 */
export interface RevocationList {
  publish(entries: readonly OutboxEntry[]): Promise<void>;
}
