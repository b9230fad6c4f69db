/**
 * The account page's "signed in on these devices". A browser that signed in through the hosted
 * pages holds several sessions: its own sign-in's and one per app that got a code from it. The
 * page shows that browser as one device, and signing it out ends all of them; otherwise the
 * apps' sessions would keep the browser session alive and the device would stay signed in.
 */
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { BrowserSessionStore } from "../../../shared/ports/browser-session-store";
import type { DeviceSession, SessionStore } from "../../../shared/ports/session-store";
import type { AuditRecorder } from "./audit-recorder";
import type { BrowserSessionCaller } from "./browser-session-caller";
import { revokeSession, type RevokeDeps } from "./revoke";

export interface AccountDeviceDeps extends RevokeDeps {
  readonly sessions: SessionStore;
  readonly browserSessions: BrowserSessionStore;
}

export interface SignedInDevice {
  /** The session the device's sign-in opened (the oldest of its group); the sign-out form names it. */
  readonly id: string;
  readonly userAgent: string | null;
  readonly createdAt: Date;
  readonly lastUsedAt: Date;
  /** The browser showing the page. */
  readonly thisBrowser: boolean;
  /** Sessions of apps signed in from this browser, beside its own. */
  readonly appSessions: number;
}

const NO_SUCH_SESSION: Failure = { reason: "not_found", message: "No such session." };

/** The user's live sessions as devices, newest sign-in first: one per browser session, one per session opened without one. */
export async function listSignedInDevices(deps: Pick<AccountDeviceDeps, "sessions">, caller: BrowserSessionCaller, now: Date): Promise<SignedInDevice[]> {
  const live = await deps.sessions.listLive(caller.user.id, now);
  const thisBrowser = new Set(caller.browserSessionIds);
  const groups = new Map<string, DeviceSession[]>();
  for (const session of live) {
    const key = session.browserSessionId ?? `session:${session.id}`;
    groups.set(key, [...(groups.get(key) ?? []), session]);
  }
  return [...groups.values()]
    .map((group) => {
      const oldest = group.reduce((a, b) => (b.createdAt < a.createdAt ? b : a));
      return {
        id: oldest.id,
        userAgent: oldest.userAgent,
        createdAt: oldest.createdAt,
        lastUsedAt: new Date(Math.max(...group.map((session) => (session.lastUsedAt ?? session.createdAt).getTime()))),
        thisBrowser: group.some((session) => thisBrowser.has(session.id)),
        appSessions: group.length - 1,
      };
    })
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
}

/**
 * Signs one device out: a session opened under a browser session ends that browser session and
 * every session opened under it (each published to the gate like any revocation); any other
 * session is revoked alone. Another user's session, or none, is not found and changes nothing.
 * `thisBrowser` says whether the browser showing the page was among them.
 */
export async function signOutDevice(deps: AccountDeviceDeps, audit: AuditRecorder, caller: BrowserSessionCaller, sessionId: string, now: Date): Promise<Result<{ readonly thisBrowser: boolean }, Failure>> {
  const session = await deps.sessions.find(sessionId);
  if (!session || session.userId !== caller.user.id || session.tenantId !== caller.tenant.id) return err(NO_SUCH_SESSION);
  const browserSessionId = session.browserSessionId ?? null;
  const sessionIds = browserSessionId === null ? [session.id] : [...new Set([session.id, ...(await deps.browserSessions.end(browserSessionId, now))])];
  const thisBrowser = sessionIds.some((id) => caller.browserSessionIds.includes(id));
  let revoked = 0;
  for (const id of sessionIds) if (await revokeSession(deps, id, "user_revoked", now)) revoked += 1;
  audit.record("auth.session_revoked", "success", {
    tenantId: caller.tenant.id,
    userId: caller.user.id,
    details: { session_id: session.id, current: thisBrowser, browser_session: browserSessionId !== null, sessions_revoked: revoked },
  });
  return ok({ thisBrowser });
}
