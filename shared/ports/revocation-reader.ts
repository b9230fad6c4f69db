/** How the gate reads the revocation list the issuer publishes (see `shared/domain/revocation-entries.ts`). */
export interface RevocationReader {
  /** Members of the revocation log with score ≥ `sinceMs`, oldest first. */
  logSince(sinceMs: number): Promise<string[]>;
  /**
   * The strict per-request check: is this session revoked, and the subject's issued-before mark
   * if any. A client's token has no session (null) and its mark is kept under the client id.
   */
  lookup(sessionId: string | null, userId: string): Promise<{ sessionRevoked: boolean; userRevokedBefore: number | null }>;
}
