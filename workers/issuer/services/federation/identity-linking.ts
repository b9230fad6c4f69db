import { newId } from "../../../../shared/crypto/ids";
import { allowsSignInMethod } from "../../../../shared/domain/tenant-settings";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { IdentityStore } from "../../../../shared/ports/identity-store";
import type { PasskeyStore } from "../../../../shared/ports/passkey-store";
import type { UserRepository } from "../../../../shared/ports/user-repository";
import type { AuditRecorder } from "../audit-recorder";
import type { SignInTenant } from "../phone-sign-in";
import { sealedTokensFor } from "./federated-sign-in";
import type { SpentCallback } from "./upstream-callback";
import type { FederatedProfile } from "./upstream";

export interface IdentityLinkingDeps {
  readonly identities: IdentityStore;
  readonly users: Pick<UserRepository, "find">;
  readonly passkeys: Pick<PasskeyStore, "listForUser">;
  readonly keyEncryptionSecret: string;
}

export type LinkRefusal = "identity_taken" | "not_signed_in";

/**
 * Links the identity a signed-in user just proved at the provider. The binding cookie already
 * proved this is the browser that started the link while signed in as that user (Apple's
 * cross-site form_post carries no Lax session cookie, so the session itself cannot be asked);
 * the user must still be live. An identity linked to anyone is not linked again.
 */
export async function linkProvedIdentity(
  deps: IdentityLinkingDeps,
  audit: AuditRecorder,
  spent: SpentCallback,
  profile: FederatedProfile,
  now: Date,
): Promise<Result<"linked" | "already_linked", LinkRefusal>> {
  const { request, connection, tenant } = spent;
  if (request.userId === null) return err("not_signed_in");
  const user = await deps.users.find(request.userId);
  if (user === null || user.deletedAt !== null || user.disabled || user.tenantId !== tenant.tenant.id) return err("not_signed_in");
  const existing = await deps.identities.findBySubject(tenant.tenant.id, connection.id, profile.subject);
  if (existing !== null) return existing.userId === user.id ? ok("already_linked") : refuseTaken(audit, spent, user.id);
  const id = newId("idn");
  const linked = await deps.identities.link(
    { id, tenantId: tenant.tenant.id, userId: user.id, connectionId: connection.id, provider: connection.provider, subject: profile.subject, email: profile.email, emailVerified: profile.emailVerified, sealedTokens: await sealedTokensFor(deps.keyEncryptionSecret, connection, id, profile) },
    now,
  );
  if (linked === "taken") return refuseTaken(audit, spent, user.id);
  audit.record("identity.linked", "success", { tenantId: tenant.tenant.id, userId: user.id, details: { identity_id: id, connection_id: connection.id, provider: connection.provider, by: "account_page" } });
  return ok("linked");
}

function refuseTaken(audit: AuditRecorder, spent: SpentCallback, userId: string): Result<never, LinkRefusal> {
  audit.record("identity.linked", "failure", { tenantId: spent.tenant.tenant.id, userId, details: { connection_id: spent.connection.id, provider: spent.connection.provider, reason: "identity_taken" } });
  return err("identity_taken");
}

/** True when the user could still sign in some other way than `identityId`. */
async function hasAnotherWayIn(deps: IdentityLinkingDeps, { tenant, settings }: SignInTenant, userId: string, identityId: string): Promise<boolean> {
  const user = await deps.users.find(userId);
  if (user === null) return false;
  if (user.hasPassword && allowsSignInMethod(settings, "password")) return true;
  if (user.phone !== null && allowsSignInMethod(settings, "phone_otp")) return true;
  if (user.email !== null && user.emailVerified && allowsSignInMethod(settings, "email_otp")) return true;
  if (allowsSignInMethod(settings, "passkey") && (await deps.passkeys.listForUser(tenant.id, userId)).length > 0) return true;
  const identities = await deps.identities.listLinked(userId);
  return identities.some((identity) => identity.id !== identityId && settings.sign_in_methods.includes(identity.connectionId));
}

export type UnlinkRefusal = "not_found" | "last_method";

/** Unlinks one of the user's identities, unless it is their last way to sign in. */
export async function unlinkIdentity(deps: IdentityLinkingDeps, audit: AuditRecorder, tenant: SignInTenant, userId: string, identityId: string): Promise<Result<void, UnlinkRefusal>> {
  const identity = (await deps.identities.listLinked(userId)).find((candidate) => candidate.id === identityId);
  if (identity === undefined) return err("not_found");
  if (!(await hasAnotherWayIn(deps, tenant, userId, identityId))) {
    audit.record("identity.unlinked", "blocked", { tenantId: tenant.tenant.id, userId, details: { identity_id: identityId, reason: "last_method" } });
    return err("last_method");
  }
  if (!(await deps.identities.unlink(userId, identityId))) return err("not_found");
  audit.record("identity.unlinked", "success", { tenantId: tenant.tenant.id, userId, details: { identity_id: identityId, connection_id: identity.connectionId, provider: identity.provider } });
  return ok(undefined);
}
