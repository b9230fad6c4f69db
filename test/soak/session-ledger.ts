/**
 * Every session the soak opened: how often its refresh token was rotated, and,
 * once it ended (logout, logout-all, refresh-token reuse), the last tokens it
 * held, which must be refused afterwards.
 */
export interface SoakTenant {
  readonly id: string;
  readonly label: string;
  readonly apiKey: string;
  readonly reuseIntervalSeconds: number;
}

export interface LiveSession {
  readonly tenant: SoakTenant;
  readonly userId: string;
  readonly sessionId: string;
  readonly accessToken: string;
  readonly refreshToken: string;
}

export type EndReason = "logout" | "logout_all" | "refresh_reuse";

export interface EndedSession extends LiveSession {
  readonly reason: EndReason;
}

interface SessionEntry {
  readonly tenantId: string;
  /** Refresh-token rows the session must have gained beyond its first: one per rotation, a retry adds none. */
  rotations: number;
  ended: EndReason | null;
}

export class SessionLedger {
  readonly #sessions = new Map<string, SessionEntry>();
  readonly #ended: EndedSession[] = [];

  opened(session: LiveSession): void {
    this.#sessions.set(session.sessionId, { tenantId: session.tenant.id, rotations: 0, ended: null });
  }

  rotated(sessionId: string): void {
    const entry = this.#sessions.get(sessionId);
    if (entry) entry.rotations += 1;
  }

  ended(session: LiveSession, reason: EndReason): void {
    const entry = this.#sessions.get(session.sessionId);
    if (entry) entry.ended = reason;
    this.#ended.push({ ...session, reason });
  }

  endedSessions(): readonly EndedSession[] {
    return this.#ended;
  }

  sessions(): ReadonlyMap<string, Readonly<SessionEntry>> {
    return this.#sessions;
  }
}
