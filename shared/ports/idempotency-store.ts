export interface StoredResponse {
  readonly status: number;
  /** The response (headers and body) sealed by the caller; the store never sees it in clear. */
  readonly sealed: string;
}

export type IdempotencyRecord =
  | { readonly state: "in_progress"; readonly fingerprint: string }
  | { readonly state: "completed"; readonly fingerprint: string; readonly response: StoredResponse };

export interface IdempotencyLifetimes {
  /** How long a record is honoured after its claim. */
  readonly recordSeconds: number;
  /** How long an in-progress claim holds before another request may take it over. */
  readonly claimSeconds: number;
}

/**
 * Remembers admin writes by the HMAC of their Idempotency-Key. Every method is one
 * statement, so two requests racing for a key have exactly one winner.
 */
export interface IdempotencyStore {
  /**
   * Claims the key as in progress under `claimId`. True when this caller now holds it:
   * the key was unknown, its record had expired, or its in-progress claim was abandoned.
   */
  claim(keyHash: string, fingerprint: string, claimId: string): Promise<boolean>;
  /** The live record for the key; null when there is none or it has expired. */
  find(keyHash: string): Promise<IdempotencyRecord | null>;
  /** Stores the final response; false when the claim is no longer this caller's (it was taken over). */
  complete(keyHash: string, claimId: string, response: StoredResponse): Promise<boolean>;
  /** Forgets an in-progress claim so a retry can run; a no-op if the claim is no longer this caller's. */
  release(keyHash: string, claimId: string): Promise<void>;
  /** Deletes expired records; returns how many. */
  purgeExpired(): Promise<number>;
}
