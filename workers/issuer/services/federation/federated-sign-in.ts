import { newId } from "../../../../shared/crypto/ids";
import { sealSecret } from "../../../../shared/crypto/key-encryption";
import type { RequestContext } from "../../../../shared/domain/request-context";
import type { TenantSettings } from "../../../../shared/domain/tenant-settings";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { AccountStore } from "../../../../shared/ports/account-store";
import type { ConnectionRecord } from "../../../../shared/ports/connection-store";
import type { FederatedUserStore } from "../../../../shared/ports/federated-user-store";
import type { IdentityStore, LinkedIdentity } from "../../../../shared/ports/identity-store";
import type { AuditRecorder } from "../audit-recorder";
import type { SignInTenant } from "../phone-sign-in";
import { sessionOrSecondStep, type SecondStepDeps, type SignInAnswer } from "../second-step";
import type { ActiveSigner } from "../signing-keys";
import type { FederatedProfile } from "./upstream";

export interface FederatedSignInDeps extends SecondStepDeps {
  readonly identities: IdentityStore;
  readonly federatedUsers: FederatedUserStore;
  readonly accounts: Pick<AccountStore, "findByEmail">;
  readonly keyEncryptionSecret: string;
}

/** The tenant setting that lets a provider-verified address join the user who owns it (on unless turned off). */
export function linksByVerifiedEmail(settings: TenantSettings): boolean {
  return settings.link_by_verified_email;
}

/** The provider's tokens, sealed to the identity, when the connection keeps them; else nothing is kept. */
export async function sealedTokensFor(secret: string, connection: ConnectionRecord, identityId: string, profile: FederatedProfile): Promise<string | null> {
  if (!connection.keepProviderTokens) return null;
  return sealSecret(secret, "provider-tokens", JSON.stringify(profile.tokens), identityId);
}

type FoundUser = { readonly userId: string; readonly identityId: string; readonly how: "identity" | "verified_email" | "created" };

/**
 * The user behind a validated upstream profile: the one its identity is linked to; else the
 * live user owning the address, when the provider vouches for it and the tenant allows that;
 * else a new user. A race between two first sign-ins of one identity links it once.
 */
async function userForProfile(deps: FederatedSignInDeps, { tenant, settings }: SignInTenant, connection: ConnectionRecord, profile: FederatedProfile, now: Date): Promise<FoundUser> {
  const existing = await deps.identities.findBySubject(tenant.id, connection.id, profile.subject);
  if (existing !== null) return refreshed(deps, connection, existing, profile);
  const identityId = newId("idn");
  const identity = { id: identityId, connectionId: connection.id, provider: connection.provider, subject: profile.subject, email: profile.email, emailVerified: profile.emailVerified, sealedTokens: await sealedTokensFor(deps.keyEncryptionSecret, connection, identityId, profile) };
  if (profile.emailVerified && profile.email !== null && linksByVerifiedEmail(settings)) {
    const holder = await deps.accounts.findByEmail(tenant.id, profile.email);
    // An unverified address on our side is only a claim: it is never joined.
    if (holder !== null && holder.user.emailVerified) {
      const linked = await deps.identities.link({ ...identity, tenantId: tenant.id, userId: holder.user.id }, now);
      if (linked === "linked") return { userId: holder.user.id, identityId, how: "verified_email" };
      return linkedMeanwhile(deps, tenant.id, connection, profile);
    }
  }
  const userId = newId("usr");
  const created = await deps.federatedUsers.createWithIdentity({ id: userId, tenantId: tenant.id, email: profile.email, emailVerified: profile.emailVerified, roles: settings.default_roles, name: profile.name }, identity, now);
  if (created === "created") return { userId, identityId, how: "created" };
  return linkedMeanwhile(deps, tenant.id, connection, profile);
}

async function linkedMeanwhile(deps: FederatedSignInDeps, tenantId: string, connection: ConnectionRecord, profile: FederatedProfile): Promise<FoundUser> {
  const winner = await deps.identities.findBySubject(tenantId, connection.id, profile.subject);
  if (winner === null) throw new Error("an identity reported taken is not found");
  return refreshed(deps, connection, winner, profile);
}

async function refreshed(deps: FederatedSignInDeps, connection: ConnectionRecord, identity: LinkedIdentity, profile: FederatedProfile): Promise<FoundUser> {
  await deps.identities.refresh(identity.id, { email: profile.email, emailVerified: profile.emailVerified, sealedTokens: await sealedTokensFor(deps.keyEncryptionSecret, connection, identity.id, profile) });
  return { userId: identity.userId, identityId: identity.id, how: "identity" };
}

/** A validated upstream profile signs its user in (`amr` fed), with the tenant's second step when one is owed. */
export async function federatedSignIn(
  deps: FederatedSignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  request: { readonly signer: ActiveSigner; readonly connection: ConnectionRecord; readonly profile: FederatedProfile },
  now: Date,
): Promise<Result<SignInAnswer, Failure>> {
  const { connection, profile } = request;
  const found = await userForProfile(deps, tenant, connection, profile, now);
  const details = { method: "federated", connection_id: connection.id, provider: connection.provider, identity_id: found.identityId, found_by: found.how };
  if (found.how === "verified_email") audit.record("identity.linked", "success", { tenantId: tenant.tenant.id, userId: found.userId, details: { identity_id: found.identityId, connection_id: connection.id, provider: connection.provider, by: "verified_email" } });
  const answer = await sessionOrSecondStep(deps, audit, context, tenant, { signer: request.signer, userId: found.userId, amr: ["fed"], newUser: found.how === "created", details });
  audit.record("auth.federated_sign_in", answer.ok ? "success" : "failure", { tenantId: tenant.tenant.id, userId: found.userId, details: answer.ok ? details : { ...details, reason: answer.error.reason } });
  return answer.ok ? ok(answer.value) : err(answer.error);
}
