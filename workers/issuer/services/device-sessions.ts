import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { SessionStore } from "../../../shared/ports/session-store";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AuditRecorder } from "./audit-recorder";
import { revokeSession, type RevokeDeps } from "./revoke";

export interface DeviceSessionView {
  readonly session_id: string;
  readonly created_at: string;
  readonly last_used_at: string;
  readonly ip: string | null;
  readonly user_agent: string | null;
  /** The session of the access token that asked. */
  readonly current: boolean;
  readonly amr: readonly string[];
}

export interface DeviceSessionDeps extends RevokeDeps {
  readonly sessions: SessionStore;
}

/** One answer for a session of another user, of another tenant, or none at all: ids cannot be probed. */
const NO_SUCH_SESSION: Failure = { reason: "not_found", message: "No such session." };

/** `GET /api/auth/sessions`: the user's live sessions, newest first. */
export async function listDeviceSessions(deps: Pick<DeviceSessionDeps, "sessions">, auth: AuthenticatedToken, now: Date): Promise<Result<{ sessions: DeviceSessionView[] }, Failure>> {
  const live = await deps.sessions.listLive(auth.user.id, now);
  return ok({
    sessions: live.map((session) => ({
      session_id: session.id,
      created_at: session.createdAt.toISOString(),
      // Signing in is the first use: a session never refreshed was last used when it was created.
      last_used_at: (session.lastUsedAt ?? session.createdAt).toISOString(),
      ip: session.ip,
      user_agent: session.userAgent,
      current: session.id === auth.claims.sid,
      amr: session.amr,
    })),
  });
}

/**
 * `DELETE /api/auth/sessions/{id}`: signs one of the user's devices out, through the
 * same revocation path as logout (Postgres, outbox, the gate's list). A session of
 * the user's that has already ended answers 204 again, so a retried DELETE succeeds.
 */
export async function revokeDeviceSession(deps: DeviceSessionDeps, audit: AuditRecorder, auth: AuthenticatedToken, sessionId: string): Promise<Result<null, Failure>> {
  const session = await deps.sessions.find(sessionId);
  // Refused like any bad input: nothing written, not even an audit row.
  if (!session || session.userId !== auth.user.id || session.tenantId !== auth.tenant.id) return err(NO_SUCH_SESSION);
  const revoked = await revokeSession(deps, session.id, "user_revoked", new Date());
  audit.record("auth.session_revoked", "success", {
    tenantId: auth.tenant.id,
    userId: auth.user.id,
    details: { session_id: session.id, current: session.id === auth.claims.sid, already_ended: !revoked },
  });
  return ok(null);
}
