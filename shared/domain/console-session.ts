/**
 * How long an operator stays signed in to the console. The console acts with the full power of
 * ADMIN_TOKEN, so its sessions are short: an unattended browser is signed out after the idle
 * limit, and a busy one must sign in again after the absolute limit (OWASP's session guidance
 * for high-value applications: minutes idle, hours absolute).
 */
export const CONSOLE_SESSION_IDLE_MS = 30 * 60 * 1000;
export const CONSOLE_SESSION_ABSOLUTE_MS = 8 * 60 * 60 * 1000;
/** `last_seen_at` is written at most this often, so browsing pages is not a write per page. */
export const CONSOLE_SESSION_TOUCH_MS = 60 * 1000;

/** Failed sign-ins one client network may make per window before it is refused until the window ends. */
export const CONSOLE_SIGN_IN_FAILURE_LIMIT = 10;
export const CONSOLE_SIGN_IN_WINDOW_MS = 15 * 60 * 1000;

export interface ConsoleSessionTimes {
  readonly lastSeenAt: Date;
  readonly expiresAt: Date;
  readonly endedAt: Date | null;
}

/** Why a stored session no longer admits anyone, or `live`. */
export type ConsoleSessionVerdict = "live" | "ended" | "idle" | "expired" | "admin_token_rotated";

/**
 * `madeWithCurrentToken` is whether the session was opened with the ADMIN_TOKEN the deployment
 * has now: a rotated token ends every session made with the old one, unread by anyone.
 */
export function consoleSessionVerdict(session: ConsoleSessionTimes, now: Date, madeWithCurrentToken: boolean): ConsoleSessionVerdict {
  if (session.endedAt !== null) return "ended";
  if (!madeWithCurrentToken) return "admin_token_rotated";
  if (now.getTime() >= session.expiresAt.getTime()) return "expired";
  if (now.getTime() - session.lastSeenAt.getTime() >= CONSOLE_SESSION_IDLE_MS) return "idle";
  return "live";
}

/** Whether a live session's `last_seen_at` is old enough to be written again. */
export function needsTouch(session: Pick<ConsoleSessionTimes, "lastSeenAt">, now: Date): boolean {
  return now.getTime() - session.lastSeenAt.getTime() >= CONSOLE_SESSION_TOUCH_MS;
}
