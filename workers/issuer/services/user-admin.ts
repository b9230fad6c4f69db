import { decodeCursor } from "../../../shared/domain/page-cursor";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { AuditLog, AuditOutcome } from "../../../shared/ports/audit-log";
import type { UserChanges, UserRecord, UserRepository } from "../../../shared/ports/user-repository";
import type { AuditRecorder } from "./audit-recorder";
import { revokeUser, type RevokeDeps } from "./revoke";

export interface UserView {
  readonly user_id: string;
  readonly tenant_id: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly email_verified: boolean;
  /** Whether a password is set; the hash never leaves the repository. */
  readonly has_password: boolean;
  readonly roles: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly disabled: boolean;
  readonly created_at: string;
  readonly updated_at: string;
}

export interface UserAdminDeps extends RevokeDeps {
  readonly users: UserRepository;
  readonly auditLog: AuditLog;
}

/** An audit event as the admin API and the console show it. */
export interface AuditEventView {
  readonly id: string;
  readonly type: string;
  readonly outcome: AuditOutcome;
  readonly tenant_id: string | null;
  readonly user_id: string | null;
  readonly ip: string | null;
  readonly user_agent: string | null;
  readonly country: string | null;
  readonly created_at: string;
  readonly details: Readonly<Record<string, unknown>>;
}

const NO_SUCH_USER: Failure = { reason: "not_found", message: "No such user." };
const BAD_CURSOR: Failure = { reason: "invalid_request", field: "query.cursor", message: "Not a cursor from a previous page." };

export function userView(user: UserRecord): UserView {
  return {
    user_id: user.id,
    tenant_id: user.tenantId,
    phone: user.phone,
    email: user.email,
    email_verified: user.emailVerified,
    has_password: user.hasPassword,
    roles: user.roles,
    metadata: user.metadata,
    disabled: user.disabled,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export async function listUsers(
  deps: UserAdminDeps,
  filter: { tenantId: string | undefined; phone: string | undefined; limit: number; cursor: string | null },
): Promise<Result<{ users: UserView[]; next_cursor: string | null }, Failure>> {
  if (filter.cursor !== null && decodeCursor(filter.cursor) === null) return err(BAD_CURSOR);
  const page = await deps.users.list({ ...filter, ...(filter.tenantId === undefined ? { tenantId: undefined } : {}) });
  return ok({ users: page.users.map(userView), next_cursor: page.nextCursor });
}

export async function getUser(deps: UserAdminDeps, id: string): Promise<Result<UserView, Failure>> {
  const user = await deps.users.find(id);
  return user && user.deletedAt === null ? ok(userView(user)) : err(NO_SUCH_USER);
}

/**
 * Roles and metadata change in place; taking a role away revokes the user's outstanding
 * access tokens (their sessions refresh into tokens without it); `disabled: true` also
 * revokes every session and outstanding access token.
 */
export async function updateUser(
  deps: UserAdminDeps,
  audit: AuditRecorder,
  id: string,
  changes: { roles?: string[]; disabled?: boolean; metadata?: Record<string, unknown> },
): Promise<Result<UserView, Failure>> {
  const existing = await deps.users.find(id);
  if (!existing || existing.deletedAt !== null) return err(NO_SUCH_USER);
  const reducedRoles = changes.roles !== undefined && existing.roles.some((role) => !changes.roles?.includes(role)) && changes.disabled !== true ? changes.roles : undefined;
  const profile: UserChanges = {
    // Reduced roles are written with their mark, in one statement, so a failure leaves neither and a retry writes both.
    ...(changes.roles === undefined || reducedRoles !== undefined ? {} : { roles: changes.roles }),
    ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
    ...(changes.disabled === false ? { disabled: false } : {}),
  };
  if (Object.keys(profile).length > 0 && !(await deps.users.update(id, profile))) return err(NO_SUCH_USER);
  if (reducedRoles !== undefined && !(await revokeUser(deps, id, "roles_reduced", new Date(), reducedRoles))) return err(NO_SUCH_USER);
  const fields = [...Object.keys(profile), ...(reducedRoles === undefined ? [] : ["roles"])];
  if (fields.length > 0) {
    audit.record(changes.disabled === false && existing.disabled ? "user.enabled" : "user.updated", "success", { tenantId: existing.tenantId, userId: id, details: { fields } });
  }
  if (changes.disabled === true && !existing.disabled) {
    const revoked = await revokeUser(deps, id, "disable", new Date());
    if (!revoked) return err(NO_SUCH_USER);
    audit.record("user.disabled", "success", { tenantId: existing.tenantId, userId: id, details: { sessions_revoked: revoked.sessionsRevoked } });
  }
  return getUser(deps, id);
}

/** Erases personal data and revokes everything; the row and its audit trail stay, pseudonymous. */
export async function deleteUser(deps: UserAdminDeps, audit: AuditRecorder, id: string): Promise<Result<null, Failure>> {
  const existing = await deps.users.find(id);
  if (!existing || existing.deletedAt !== null) return err(NO_SUCH_USER);
  const revoked = await revokeUser(deps, id, "erase", new Date());
  if (!revoked) return err(NO_SUCH_USER);
  audit.record("user.deleted", "success", { tenantId: existing.tenantId, userId: id, details: { sessions_revoked: revoked.sessionsRevoked } });
  return ok(null);
}

export async function revokeUserSessions(deps: UserAdminDeps, audit: AuditRecorder, id: string): Promise<Result<{ revoked: number }, Failure>> {
  const existing = await deps.users.find(id);
  if (!existing || existing.deletedAt !== null) return err(NO_SUCH_USER);
  const revoked = await revokeUser(deps, id, "revoke_sessions", new Date());
  if (!revoked) return err(NO_SUCH_USER);
  audit.record("user.sessions_revoked", "success", { tenantId: existing.tenantId, userId: id, details: { sessions_revoked: revoked.sessionsRevoked } });
  return ok({ revoked: revoked.sessionsRevoked });
}

export async function listAudit(
  deps: UserAdminDeps,
  filter: { tenantId: string | undefined; userId: string | undefined; type: string | undefined; outcome?: AuditOutcome; since?: Date; until?: Date; limit: number; cursor: string | null },
): Promise<Result<{ events: AuditEventView[]; next_cursor: string | null }, Failure>> {
  if (filter.cursor !== null && decodeCursor(filter.cursor) === null) return err(BAD_CURSOR);
  const page = await deps.auditLog.list({
    ...(filter.tenantId === undefined ? {} : { tenantId: filter.tenantId }),
    ...(filter.userId === undefined ? {} : { userId: filter.userId }),
    ...(filter.type === undefined ? {} : { type: filter.type }),
    ...(filter.outcome === undefined ? {} : { outcome: filter.outcome }),
    ...(filter.since === undefined ? {} : { since: filter.since }),
    ...(filter.until === undefined ? {} : { until: filter.until }),
    limit: filter.limit,
    cursor: filter.cursor,
  });
  return ok({
    events: page.events.map((event) => ({
      id: event.id,
      type: event.type,
      outcome: event.outcome,
      tenant_id: event.tenantId,
      user_id: event.userId,
      ip: event.ip,
      user_agent: event.userAgent,
      country: event.country,
      created_at: event.createdAt.toISOString(),
      details: event.details,
    })),
    next_cursor: page.nextCursor,
  });
}
