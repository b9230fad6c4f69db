import type { ErrorReply } from "../redis-reply";
import { WRONG_TYPE } from "./redis-errors";
import type { SortedSet } from "./sorted-set";

interface DataByType {
  string: string;
  hash: Map<string, string>;
  set: Set<string>;
  zset: SortedSet;
}

export type ValueType = keyof DataByType;

/** A key's value: its Redis type (as TYPE names it) and the data. */
export type StoredValue = { [T in ValueType]: { readonly type: T; readonly data: DataByType[T] } }[ValueType];

interface Entry {
  value: StoredValue;
  /**
   * Position in creation order, which is also the Map's iteration order; a SCAN
   * cursor is the next position to visit, so keys that live through a whole
   * scan are returned even while others come and go.
   */
  readonly position: number;
}

/** The keys of the one database, with expiry: lazy on access, plus `sweep` for the periodic pass. */
export class Keyspace {
  readonly #entries = new Map<string, Entry>();
  readonly #expiresAt = new Map<string, number>();
  #nextPosition = 1;

  /** The live value, or undefined when the key is missing or has just expired. */
  lookup(key: string, now: number): StoredValue | undefined {
    const expiresAt = this.#expiresAt.get(key);
    if (expiresAt !== undefined && expiresAt <= now) {
      this.delete(key);
      return undefined;
    }
    return this.#entries.get(key)?.value;
  }

  /** The key's data when it holds `type`, undefined when missing, WRONGTYPE otherwise. */
  lookupAs<T extends ValueType>(key: string, type: T, now: number): DataByType[T] | undefined | ErrorReply {
    const value = this.lookup(key, now);
    if (value === undefined) return undefined;
    if (value.type !== type) return WRONG_TYPE;
    return value.data as DataByType[T];
  }

  /** Stores a value; a key that existed keeps its SCAN position. Its TTL goes unless `keepTtl`. */
  store(key: string, value: StoredValue, options: { keepTtl?: boolean } = {}): void {
    const existing = this.#entries.get(key);
    if (existing) existing.value = value;
    else this.#entries.set(key, { value, position: this.#nextPosition++ });
    if (!options.keepTtl) this.#expiresAt.delete(key);
  }

  delete(key: string): boolean {
    this.#expiresAt.delete(key);
    return this.#entries.delete(key);
  }

  clear(): void {
    this.#entries.clear();
    this.#expiresAt.clear();
  }

  /** Expiry time in Unix ms of a live key, or undefined when it has none. */
  expiresAt(key: string): number | undefined {
    return this.#expiresAt.get(key);
  }

  setExpiresAt(key: string, at: number): void {
    this.#expiresAt.set(key, at);
  }

  clearExpiry(key: string): boolean {
    return this.#expiresAt.delete(key);
  }

  /** Live keys in creation order. */
  *keys(now: number): Generator<string> {
    for (const key of [...this.#entries.keys()]) {
      if (this.lookup(key, now) !== undefined) yield key;
    }
  }

  size(now: number): number {
    this.sweep(now);
    return this.#entries.size;
  }

  /** Visits up to `count` keys from `cursor`; the next cursor is 0 when the scan is complete. */
  scan(cursor: number, count: number, now: number): { readonly next: number; readonly keys: string[] } {
    const keys: string[] = [];
    let visited = 0;
    for (const [key, entry] of [...this.#entries]) {
      if (entry.position < cursor) continue;
      if (visited === count) return { next: entry.position, keys };
      visited++;
      if (this.lookup(key, now) !== undefined) keys.push(key);
    }
    return { next: 0, keys };
  }

  /** Removes every expired key; answers how many went. */
  sweep(now: number): number {
    let removed = 0;
    for (const [key, expiresAt] of [...this.#expiresAt]) {
      if (expiresAt <= now) {
        this.delete(key);
        removed++;
      }
    }
    return removed;
  }

  /** Every key with its value and expiry, for the snapshot file. */
  *entries(): Generator<{ readonly key: string; readonly value: StoredValue; readonly expiresAt: number | undefined }> {
    for (const [key, entry] of this.#entries) yield { key, value: entry.value, expiresAt: this.#expiresAt.get(key) };
  }
}
