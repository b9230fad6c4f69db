import type { RequestContext } from "../../../shared/domain/request-context";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { IdentityStore } from "../../../shared/ports/identity-store";
import type { SecondFactorStore } from "../../../shared/ports/second-factor-store";
import type { UserRecord, UserRepository } from "../../../shared/ports/user-repository";
import type { AuthenticatedToken } from "./access-token-auth";
import type { AuditRecorder } from "./audit-recorder";
import { emailRemovalRefusal, requestEmailChange, type EmailChangeDeps, type EmailChangeStarted } from "./email-change";
import type { SignInTenant } from "./phone-sign-in";
import { revokeSession, revokeUser, type RevokeDeps } from "./revoke";
import { userView, type UserView } from "./user-admin";

/** The user's second factors, as `GET /api/auth/me` shows them. */
export interface MfaSummary {
  readonly totp: boolean;
  readonly passkeys: number;
  readonly recovery_codes_remaining: number;
}

/** What a user sees of themselves: the admin view without `disabled` and `updated_at`, with factors and linked identities. */
export interface Profile extends Omit<UserView, "disabled" | "updated_at"> {
  readonly mfa: MfaSummary;
  readonly identities: readonly { readonly provider: string; readonly email: string | null; readonly linked_at: string }[];
}

export interface ProfileDeps {
  readonly identities: IdentityStore;
  readonly secondFactors: SecondFactorStore;
}

/** Metadata a user may store on themselves, serialised, at most this many bytes. */
export const MAX_PROFILE_METADATA_BYTES = 4096;

export async function getProfile(deps: ProfileDeps, user: UserRecord): Promise<Profile> {
  const { user_id, tenant_id, phone, email, email_verified, has_password, roles, metadata, created_at } = userView(user);
  const [identities, factors] = await Promise.all([deps.identities.listForUser(user.id), deps.secondFactors.summary(user.id)]);
  return {
    user_id,
    tenant_id,
    phone,
    email,
    email_verified,
    has_password,
    roles,
    metadata,
    created_at,
    mfa: { totp: factors.totp, passkeys: factors.passkeys, recovery_codes_remaining: factors.recoveryCodesRemaining },
    identities: identities.map((identity) => ({ provider: identity.provider, email: identity.email, linked_at: identity.linkedAt.toISOString() })),
  };
}

/**
 * `PATCH /api/auth/me`. A new address takes effect only once proved: the answer shows the
 * profile as it still is, with `pending_email` naming where the code and link went.
 */
export async function updateProfile(
  deps: { users: UserRepository } & ProfileDeps & EmailChangeDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  auth: AuthenticatedToken,
  changes: { email?: string | null | undefined; metadata?: Record<string, unknown> | undefined },
): Promise<Result<Profile & { pending_email?: string }, Failure>> {
  if (changes.metadata !== undefined && new TextEncoder().encode(JSON.stringify(changes.metadata)).length > MAX_PROFILE_METADATA_BYTES) {
    return err({ reason: "invalid_request", field: "metadata", message: `At most ${MAX_PROFILE_METADATA_BYTES} bytes of metadata.` });
  }
  let pending: EmailChangeStarted = null;
  if (changes.email === null) {
    const refusal = emailRemovalRefusal(auth.user);
    if (refusal !== null) return err(refusal);
  } else if (changes.email !== undefined) {
    const started = await requestEmailChange(deps, audit, context, tenant, auth.user, changes.email);
    if (!started.ok) return started;
    pending = started.value;
  }
  const updated = await deps.users.update(auth.user.id, {
    ...(changes.email === null ? { email: null } : {}),
    ...(changes.metadata === undefined ? {} : { metadata: changes.metadata }),
  });
  if (!updated) return err({ reason: "invalid_token", description: "invalid or revoked token" });
  const fields = Object.keys(changes).filter((field) => field !== "email" || changes.email === null);
  if (fields.length > 0) audit.record("auth.profile_updated", "success", { tenantId: updated.tenantId, userId: updated.id, details: { fields } });
  return ok({ ...(await getProfile(deps, updated)), ...(pending === null ? {} : pending) });
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
