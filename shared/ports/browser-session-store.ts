import type { AmrValue } from "../domain/authentication-methods";

/** A browser's sign-in at the issuer (the hosted pages' cookie), found by the SHA-256 of its id. */
export interface BrowserSessionRecord {
  /** Its id as stored (the SHA-256 hex of the cookie value); sessions and authorization codes refer to it. */
  readonly idHash: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly authTime: Date;
  readonly amr: readonly AmrValue[];
}

export interface NewBrowserSession extends BrowserSessionRecord {
  readonly expiresAt: Date;
  /** The session the sign-in opened; it is marked as opened under this browser session. */
  readonly sessionId: string;
}

export interface BrowserSessionStore {
  open(session: NewBrowserSession, now: Date): Promise<void>;
  /** Marks a further session (an SSO code's) as opened under the browser session. */
  attach(idHash: string, sessionId: string): Promise<void>;
  /**
   * The browser session while it is unexpired, not ended, its user is enabled, and at least
   * one session opened under it is still live: revoking the user's sessions (sign-out
   * everywhere, disabling, deleting, a password reset) ends it without anyone touching it.
   */
  findLive(idHash: string, now: Date): Promise<BrowserSessionRecord | null>;
  /** The ids of the live sessions opened under it, oldest first: the sign-in's own session comes first. */
  liveSessionIds(idHash: string, now: Date): Promise<readonly string[]>;
  /** Ends it; answers the ids of the live sessions opened under it, for the caller to revoke. */
  end(idHash: string, now: Date): Promise<readonly string[]>;
}
