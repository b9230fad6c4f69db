export interface SessionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface RotationRequest {
  readonly presentedHash: string;
  readonly successorHash: string;
  readonly tenantId: string;
  readonly reuseIntervalSeconds: number;
  readonly now: Date;
  /** A successful rotation slides the session's expiry to this instant. */
  readonly sessionExpiresAt: Date;
  /** When reuse revokes the session: how long the revocation list must keep it. */
  readonly listExpiresAt: Date;
}

/** What happened to a presented refresh token, decided atomically in Postgres. */
export type RefreshOutcome =
  | { readonly kind: "rotated"; readonly session: SessionRecord }
  | { readonly kind: "retried"; readonly session: SessionRecord }
  | { readonly kind: "reused"; readonly session: SessionRecord }
  | { readonly kind: "invalid" };

export interface SessionStore {
  find(id: string): Promise<SessionRecord | null>;
  /**
   * Spends the presented token and installs the successor as the session's only
   * live refresh token. A token spent less than `reuseIntervalSeconds` ago is a
   * retry (the earlier successor is spent, never doubled); spent earlier, a
   * reuse, which revokes the session and queues its revocation.
   */
  rotate(request: RotationRequest): Promise<RefreshOutcome>;
}
