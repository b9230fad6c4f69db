import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { UserRepository } from "../../../shared/ports/user-repository";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AuditRecorder } from "./audit-recorder";
import { revokeSession, revokeUser, type RevokeDeps } from "./revoke";
import { userView, type UserView } from "./user-admin";

/** What a user sees of themselves: the admin view without `disabled` and `updated_at`. */
export type Profile = Omit<UserView, "disabled" | "updated_at">;

/** Metadata a user may store on themselves, serialised, at most this many bytes. */
export const MAX_PROFILE_METADATA_BYTES = 4096;

export function getProfile({ user }: AuthenticatedToken): Profile {
  const { user_id, tenant_id, phone, email, roles, metadata, created_at } = userView(user);
  return { user_id, tenant_id, phone, email, roles, metadata, created_at };
}

export async function updateProfile(
  deps: { users: UserRepository },
  audit: AuditRecorder,
  auth: AuthenticatedToken,
  changes: { email?: string | null | undefined; metadata?: Record<string, unknown> | undefined },
): Promise<Result<Profile, Failure>> {
  if (changes.metadata !== undefined && new TextEncoder().encode(JSON.stringify(changes.metadata)).length > MAX_PROFILE_METADATA_BYTES) {
    return err({ reason: "invalid_request", field: "metadata", message: `At most ${MAX_PROFILE_METADATA_BYTES} bytes of metadata.` });
  }
  const updated = await deps.users.update(auth.user.id, {
    ...(changes.email === undefined ? {} : { email: changes.email }),
    ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
  });
  if (!updated) return err({ reason: "invalid_token", description: "invalid or revoked token" });
  audit.record("auth.profile_updated", "success", { tenantId: updated.tenantId, userId: updated.id, details: { fields: Object.keys(changes) } });
  return ok(getProfile({ ...auth, user: updated }));
}

export async function logout(deps: RevokeDeps, audit: AuditRecorder, auth: AuthenticatedToken): Promise<Result<null, Failure>> {
  await revokeSession(deps, auth.claims.sid, "logout", new Date());
  audit.record("auth.logged_out", "success", { tenantId: auth.tenant.id, userId: auth.user.id, details: { session_id: auth.claims.sid } });
  return ok(null);
}

export async function logoutAll(deps: RevokeDeps, audit: AuditRecorder, auth: AuthenticatedToken): Promise<Result<null, Failure>> {
  const revoked = await revokeUser(deps, auth.user.id, "logout_all", new Date());
  audit.record("auth.logged_out_all", "success", { tenantId: auth.tenant.id, userId: auth.user.id, details: { sessions_revoked: revoked?.sessionsRevoked ?? 0 } });
  return ok(null);
}
