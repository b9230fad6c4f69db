import type { SigningAlgorithm } from "../../drizzle/schema";
import type { PublicSigningJwk } from "../crypto/es256-keys";
import type { PublicRs256Jwk } from "../crypto/rs256-keys";

export type { SigningAlgorithm } from "../../drizzle/schema";

/** A published public key of either algorithm. */
export type PublishedJwk = PublicSigningJwk | PublicRs256Jwk;

/** `withdrawn`: taken out of use by an operator (a leaked key); never published again. */
export type SigningKeyState = "next" | "current" | "retired" | "withdrawn";
export type PublishedKeyState = Exclude<SigningKeyState, "withdrawn">;

export interface StoredSigningKey {
  readonly kid: string;
  /** ES256 keys sign access tokens; RS256 keys sign id_tokens. Each algorithm has its own current and next key. */
  readonly alg: SigningAlgorithm;
  readonly state: PublishedKeyState;
  readonly publicJwk: PublishedJwk;
  readonly encryptedPrivateKey: string;
  /** For retired keys: when the last token they signed has expired. */
  readonly publishUntil: Date | null;
  /** When it became the current key. */
  readonly activatedAt: Date | null;
}

export interface NewSigningKey {
  readonly kid: string;
  readonly alg: SigningAlgorithm;
  readonly publicJwk: PublishedJwk;
  readonly encryptedPrivateKey: string;
}

export interface SigningKeyStore {
  /** Of every algorithm: the current key, the next key and retired keys still within their publish window. */
  listPublished(now: Date): Promise<StoredSigningKey[]>;
  /**
   * Installs a first current and next key of their algorithm (both have the same) unless that
   * algorithm has a current key already.
   * Safe under concurrency: the database decides, so two isolates never both win.
   */
  installInitialKeys(current: NewSigningKey, next: NewSigningKey): Promise<void>;
  /**
   * Retires `expectedCurrent`, promotes `expectedNext` and installs `newNext`, in one
   * transaction serialised by a database lock. When another rotation got there
   * first the expected keys no longer match and nothing changes. Only keys of `newNext.alg` move.
   */
  rotate(expectedCurrent: string, expectedNext: string, newNext: NewSigningKey, retiredPublishUntil: Date, now: Date): Promise<void>;
  /**
   * Withdraws `kid`, whatever its state, in one transaction serialised with
   * rotations: a withdrawn current key is replaced by the next key, and a new
   * next key (`newNext`) is installed when there is none. The kid stays listed
   * as withdrawn until `listedUntil`. Withdrawing a withdrawn key changes nothing.
   * `newNext` has the withdrawn key's algorithm; keys of the other algorithm do not move.
   */
  withdraw(kid: string, newNext: NewSigningKey, listedUntil: Date, now: Date): Promise<void>;
  /** Kids withdrawn and still listed at `now`. */
  listWithdrawn(now: Date): Promise<string[]>;
}
