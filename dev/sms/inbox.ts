import { readInboxFile, writeInboxFile } from "./inbox-file";
import type { InboxEntry, SandboxMessage } from "./sandbox-message";

/** Older messages are dropped past this, so the inbox (and its file) stays small on a long-lived stack. */
export const MAX_STORED_MESSAGES = 1_000;

export interface Inbox {
  /** Resolves once the message is stored and, with a file, persisted. */
  add(entry: InboxEntry): Promise<void>;
  /** Newest first, optionally only those sent to `to`. */
  newest(to: string | undefined, limit: number): SandboxMessage[];
  find(id: string): InboxEntry | undefined;
  /** Empties the inbox at once (or only `to`'s messages); resolves once persisted. */
  clear(to: string | undefined): Promise<void>;
  /** Resolves when every pending write has finished. */
  settled(): Promise<void>;
}

/** An in-memory inbox, loaded from and saved to `file` when one is given. */
export async function openInbox(file: string | undefined): Promise<Inbox> {
  let entries: InboxEntry[] = file ? (await readInboxFile(file)).slice(-MAX_STORED_MESSAGES) : [];
  let queue: Promise<void> = Promise.resolve();

  // Writes run one after another; each saves the inbox as it is when the write starts.
  const persist = (): Promise<void> => {
    if (!file) return Promise.resolve();
    const write = queue.then(() => writeInboxFile(file, entries));
    queue = write.catch(() => undefined);
    return write;
  };

  return {
    add(entry) {
      entries = [...entries, entry].slice(-MAX_STORED_MESSAGES);
      return persist();
    },
    newest(to, limit) {
      const matching = to === undefined ? entries : entries.filter((entry) => entry.message.to === to);
      return matching.slice(-limit).reverse().map((entry) => entry.message);
    },
    find(id) {
      return entries.find((entry) => entry.message.id === id);
    },
    clear(to) {
      entries = to === undefined ? [] : entries.filter((entry) => entry.message.to !== to);
      return persist();
    },
    settled: () => queue,
  };
}
