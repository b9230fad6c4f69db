export type UserRevocation = "logout_all" | "revoke_sessions" | "disable" | "erase" | "roles_reduced";

export interface OutboxEntry {
  readonly id: string;
  readonly kind: "session" | "user";
  readonly subjectId: string;
  readonly at: Date;
  readonly expiresAt: Date;
}

/**
 * The record of every revocation, in Postgres. Each method changes the
 * sessions (and user) and queues the matching revocation-list entry in one
 * statement, so an acknowledged revocation cannot be half-written.
 */
export interface RevocationStore {
  revokeSession(sessionId: string, reason: string, at: Date, listExpiresAt: Date): Promise<boolean>;
  /**
   * Revokes every live session of the user and marks its access tokens issued
   * before `at` (whole seconds); queues one list entry per session plus the user
   * mark. `roles_reduced` only marks the access tokens and leaves the sessions live.
   * Null when there is no such live user.
   */
  revokeUser(userId: string, change: UserRevocation, at: Date, listExpiresAt: Date): Promise<{ sessionsRevoked: number } | null>;
  pending(limit: number): Promise<OutboxEntry[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  markFailed(ids: readonly string[], error: string): Promise<void>;
}
