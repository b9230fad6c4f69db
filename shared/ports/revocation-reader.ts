/** How the gate reads the revocation list the issuer publishes (see `shared/domain/revocation-entries.ts`). */
export interface RevocationReader {
  /** Members of the revocation log with score ≥ `sinceMs`, oldest first. */
  logSince(sinceMs: number): Promise<string[]>;
  /** The strict per-request check: is this session revoked, and the user's issued-before mark if any. */
  lookup(sessionId: string, userId: string): Promise<{ sessionRevoked: boolean; userRevokedBefore: number | null }>;
}
