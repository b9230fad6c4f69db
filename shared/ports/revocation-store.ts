export type UserRevocation = "logout_all" | "revoke_sessions" | "disable" | "erase" | "roles_reduced";

export interface OutboxEntry {
  readonly id: string;
  readonly kind: "session" | "user";
  readonly subjectId: string;
  readonly at: Date;
  readonly expiresAt: Date;
}

/** What a drain asks for: the given rows (a request's own), or else the oldest rows nobody holds. */
export interface OutboxClaim {
  readonly limit: number;
  readonly now: Date;
  /** Claimed rows are skipped by other drains until then. */
  readonly claimUntil: Date;
  readonly ids?: readonly string[];
}

/**
 * The record of every revocation, in Postgres. Each method changes the
 * sessions (and user) and queues the matching revocation-list entry in one
 * statement, so an acknowledged revocation cannot be half-written.
 */
export interface RevocationStore {
  /** The id of the queued list entry, or null when the session was not live. */
  revokeSession(sessionId: string, reason: string, at: Date, listExpiresAt: Date): Promise<string | null>;
  /**
   * Revokes every unexpired live session of the user and marks its access tokens
   * issued before `at` (whole seconds); queues the user mark, which covers every
   * token of those sessions, and an entry for each session that raced the mark.
   * `roles_reduced` only marks the access tokens and leaves the sessions live; it writes
   * `newRoles` in the same statement, so the roles never change without their mark.
   * Null when there is no such live user.
   */
  revokeUser(userId: string, change: UserRevocation, at: Date, listExpiresAt: Date, newRoles?: readonly string[]): Promise<{ sessionsRevoked: number; outboxIds: readonly string[] } | null>;
  /**
   * Revokes every unexpired live session of the user except `keepSessionId` (a password
   * change keeps the caller's own), queueing a session entry for each in the same
   * statement. Unlike `revokeUser` there is no user mark, which would end the kept
   * session's access tokens too. The user's row is locked first, as a sign-in locks it.
   */
  revokeOtherSessions(userId: string, keepSessionId: string, reason: string, at: Date, listExpiresAt: Date): Promise<{ sessionsRevoked: number; outboxIds: readonly string[] }>;
  /**
   * Deletes a tenant's OAuth client and, in the same statement, revokes every live session
   * issued to it and queues a mark under the client's id: `client_credentials` tokens carry the
   * client id as `sub`, so the gate's per-subject mark refuses every one issued before `at`.
   * Null when the tenant has no live client with that id.
   */
  revokeClient(tenantId: string, clientId: string, at: Date, listExpiresAt: Date): Promise<{ sessionsRevoked: number; outboxIds: readonly string[] } | null>;
  /** Claims queued entries, oldest first; concurrent drains never claim the same row. */
  claim(request: OutboxClaim): Promise<OutboxEntry[]>;
  markPublished(ids: readonly string[]): Promise<void>;
  /** Counts a failed attempt and releases the claim, so the next drain retries. */
  markFailed(ids: readonly string[], error: string): Promise<void>;
  /** How many entries wait, and when the oldest was queued (null when none). */
  backlog(): Promise<{ pending: number; oldestQueuedAt: Date | null }>;
}
