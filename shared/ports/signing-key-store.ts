import type { PublicSigningJwk } from "../crypto/es256-keys";

export type SigningKeyState = "next" | "current" | "retired";

export interface StoredSigningKey {
  readonly kid: string;
  readonly state: SigningKeyState;
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
}
