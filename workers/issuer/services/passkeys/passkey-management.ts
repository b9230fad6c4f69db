import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { PasskeyStore } from "../../../../shared/ports/passkey-store";
import type { AuthenticatedToken } from "../access-token-auth";
import type { AuditRecorder } from "../audit-recorder";
import { requireRecentStrongSignIn } from "../recent-sign-in";
import { revokeOtherSessions, type RevokeDeps } from "../revoke";

export interface PasskeyView {
  readonly passkey_id: string;
  readonly name: string;
  readonly created_at: string;
  readonly last_used_at: string | null;
}

/** One answer for a passkey of another user, of another tenant, or none at all: ids cannot be probed. */
const NO_SUCH_PASSKEY: Failure = { reason: "not_found", message: "No such passkey." };

/** `GET /api/auth/passkeys`: the user's passkeys, oldest first. Keys and credential ids stay on the server. */
export async function listPasskeys(deps: { readonly passkeys: PasskeyStore }, auth: AuthenticatedToken): Promise<Result<{ passkeys: PasskeyView[] }, Failure>> {
  const passkeys = await deps.passkeys.listForUser(auth.tenant.id, auth.user.id);
  return ok({
    passkeys: passkeys.map((passkey) => ({
      passkey_id: passkey.id,
      name: passkey.name,
      created_at: passkey.createdAt.toISOString(),
      last_used_at: passkey.lastUsedAt?.toISOString() ?? null,
    })),
  });
}

/**
 * `DELETE /api/auth/passkeys/{id}`: removing a factor needs a recent strong sign-in, and
 * signs every other session of the user out (one of them may be whoever added the passkey).
 */
export async function removePasskey(
  deps: RevokeDeps & { readonly passkeys: PasskeyStore },
  audit: AuditRecorder,
  auth: AuthenticatedToken,
  passkeyId: string,
  now: Date,
): Promise<Result<null, Failure>> {
  const recent = requireRecentStrongSignIn(auth.claims, now);
  if (!recent.ok) return recent;
  if (!(await deps.passkeys.remove(auth.tenant.id, auth.user.id, passkeyId))) return err(NO_SUCH_PASSKEY);
  const revoked = await revokeOtherSessions(deps, auth.user.id, auth.claims.sid, "passkey_removed", now);
  audit.record("passkey.removed", "success", { tenantId: auth.tenant.id, userId: auth.user.id, details: { passkey_id: passkeyId, sessions_revoked: revoked, session_id: auth.claims.sid } });
  return ok(null);
}
