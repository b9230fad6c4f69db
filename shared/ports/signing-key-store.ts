import type { PublicSigningJwk } from "../crypto/es256-keys";

/** `withdrawn`: taken out of use by an operator (a leaked key); never published again. */
export type SigningKeyState = "next" | "current" | "retired" | "withdrawn";
export type PublishedKeyState = Exclude<SigningKeyState, "withdrawn">;

export interface StoredSigningKey {
  readonly kid: string;
  readonly state: PublishedKeyState;
  readonly publicJwk: PublicSigningJwk;
  readonly encryptedPrivateKey: string;
  /** For retired keys: when the last token they signed has expired. */
  readonly publishUntil: Date | null;
  /** When it became the current key. */
  readonly activatedAt: Date | null;
}

export interface NewSigningKey {
  readonly kid: string;
  readonly publicJwk: PublicSigningJwk;
  readonly encryptedPrivateKey: string;
}

export interface SigningKeyStore {
  /** The current key, the next key and retired keys still within their publish window. */
  listPublished(now: Date): Promise<StoredSigningKey[]>;
  /**
   * Installs a first current and next key unless a current key already exists.
   * Safe under concurrency: the database decides, so two isolates never both win.
   */
  installInitialKeys(current: NewSigningKey, next: NewSigningKey): Promise<void>;
  /**
   * Retires `expectedCurrent`, promotes `expectedNext` and installs `newNext`, in one
   * transaction serialised by a database lock. When another rotation got there
   * first the expected keys no longer match and nothing changes.
   */
  rotate(expectedCurrent: string, expectedNext: string, newNext: NewSigningKey, retiredPublishUntil: Date, now: Date): Promise<void>;
  /**
   * Withdraws `kid`, whatever its state, in one transaction serialised with
   * rotations: a withdrawn current key is replaced by the next key, and a new
   * next key (`newNext`) is installed when there is none. The kid stays listed
   * as withdrawn until `listedUntil`. Withdrawing a withdrawn key changes nothing.
   */
  withdraw(kid: string, newNext: NewSigningKey, listedUntil: Date, now: Date): Promise<void>;
  /** Kids withdrawn and still listed at `now`. */
  listWithdrawn(now: Date): Promise<string[]>;
}
