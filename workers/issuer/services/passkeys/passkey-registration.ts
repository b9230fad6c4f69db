import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { newId } from "../../../../shared/crypto/ids";
import { PASSKEY_ALGORITHMS, verifyRegistration } from "../../../../shared/crypto/webauthn-verification";
import { passkeyRelyingParty } from "../../../../shared/domain/passkey-relying-party";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { SecondFactorStore } from "../../../../shared/ports/second-factor-store";
import type { UserRecord } from "../../../../shared/ports/user-repository";
import type { AuthenticatedToken } from "../access-token-auth";
import type { AuditRecorder } from "../audit-recorder";
import type { SignInTenant } from "../phone-sign-in";
import { requireRecentSignIn, requireRecentStrongSignIn } from "../recent-sign-in";
import { decodeBase64Url } from "../../../../shared/crypto/base64url";
import { CHALLENGE_TTL_SECONDS, issueChallenge } from "./passkey-challenges";
import { parseRegistrationCredential, TRANSPORTS } from "./passkey-credential-input";
import { userHandle, type PasskeyDeps } from "./passkey-deps";

/** Who a passkey is being added for: today the holder of an access token; later also a user enrolling during sign-in. */
export interface PasskeyOwner {
  readonly tenant: SignInTenant;
  readonly user: UserRecord;
}

/** Shown in the authenticator's account picker when the user gives no name. */
export const DEFAULT_PASSKEY_NAME = "Passkey";

export interface PasskeyOptionsAnswer {
  readonly challenge_id: string;
  readonly options: Record<string, unknown>;
}

export interface RegisteredPasskeyView {
  readonly passkey_id: string;
  readonly name: string;
  readonly created_at: string;
}

const INVALID_CREDENTIAL: Failure = { reason: "invalid_credential" };

/**
 * Adding a passkey needs a recent sign-in. A user who already has a second factor must have
 * used two factors within five minutes (`requireRecentStrongSignIn`); a user with none yet
 * cannot have, so for them a sign-in within five minutes is enough: otherwise nobody could
 * ever add a first passkey. Either way a token older than that, stolen or left on a shared
 * machine, cannot add the thief's passkey.
 */
export async function requirePasskeyEnrolmentAuthority(deps: { readonly secondFactors: SecondFactorStore }, auth: AuthenticatedToken, now: Date): Promise<Result<void, Failure>> {
  const { totp, passkeys } = await deps.secondFactors.summary(auth.user.id);
  return totp || passkeys > 0 ? requireRecentStrongSignIn(auth.claims, now) : requireRecentSignIn(auth.claims, now);
}

/** `POST /api/auth/passkeys/register/options`: creation options for `navigator.credentials.create()`. */
export async function passkeyRegistrationOptions(deps: PasskeyDeps, owner: PasskeyOwner, now: Date): Promise<PasskeyOptionsAnswer> {
  const { tenant, settings } = owner.tenant;
  const { rpId } = passkeyRelyingParty(settings, deps.issuer);
  const [existing, issued] = await Promise.all([
    deps.passkeys.listForUser(tenant.id, owner.user.id),
    issueChallenge(deps.webauthnChallenges, { tenantId: tenant.id, userId: owner.user.id, purpose: "registration" }, now),
  ]);
  const label = accountLabel(owner.user);
  return {
    challenge_id: issued.challengeId,
    options: {
      rp: { id: rpId, name: tenant.name },
      user: { id: encodeBase64Url(userHandle(owner.user.id)), name: label, displayName: label },
      challenge: issued.challenge,
      pubKeyCredParams: PASSKEY_ALGORITHMS.map((alg) => ({ type: "public-key", alg })),
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      excludeCredentials: existing.map((passkey) => ({ type: "public-key", id: passkey.credentialId, transports: passkey.transports })),
      authenticatorSelection: { residentKey: "preferred", requireResidentKey: false, userVerification: "required" },
      attestation: "none",
      extensions: { credProps: true },
    },
  };
}

/**
 * `POST /api/auth/passkeys/register`. The challenge is spent first (so a failed attempt
 * cannot be retried with it) and must have been issued to this user in this tenant.
 */
export async function registerPasskey(
  deps: PasskeyDeps,
  audit: AuditRecorder,
  owner: PasskeyOwner,
  input: { readonly challengeId: string; readonly credential: unknown; readonly name: string | undefined },
  now: Date,
): Promise<Result<RegisteredPasskeyView, Failure>> {
  const credential = parseRegistrationCredential(input.credential);
  if (!credential.ok) return credential;
  const { tenant, settings } = owner.tenant;
  const userId = owner.user.id;
  const refuse = (reason: string): Result<never, Failure> => {
    audit.record("passkey.registered", "failure", { tenantId: tenant.id, userId, details: { reason, challenge_id: input.challengeId } });
    return err(INVALID_CREDENTIAL);
  };

  const spent = await deps.webauthnChallenges.spend(input.challengeId, { tenantId: tenant.id, purpose: "registration" }, now);
  if (!spent) return refuse("challenge_unknown_spent_or_expired");
  if (spent.userId !== userId) return refuse("challenge_of_another_user");
  const challenge = decodeBase64Url(spent.challenge);
  if (!challenge) throw new Error("a stored WebAuthn challenge is not base64url");
  const verified = await verifyRegistration(
    { id: credential.value.id, clientDataJSON: credential.value.response.clientDataJSON, attestationObject: credential.value.response.attestationObject },
    { challenge, ...passkeyRelyingParty(settings, deps.issuer) },
  );
  if (!verified.ok) return refuse(verified.error);

  const transports = (credential.value.response.transports ?? []).filter((transport) => (TRANSPORTS as readonly string[]).includes(transport));
  const added = await deps.passkeys.add(
    { id: newId("pkey"), tenantId: tenant.id, userId, ...verified.value, transports: [...new Set(transports)], name: input.name ?? DEFAULT_PASSKEY_NAME },
    now,
  );
  // A credential id already registered in the tenant: the same authenticator again, or someone
  // claiming another user's credential id with a key of their own. Neither may take it over.
  if (added.kind === "credential_taken") return refuse("credential_already_registered");
  if (added.kind === "user_gone") return err({ reason: "invalid_token", description: "invalid or revoked token" });
  const { passkey } = added;
  audit.record("passkey.registered", "success", {
    tenantId: tenant.id,
    userId,
    details: { passkey_id: passkey.id, algorithm: passkey.algorithm, aaguid: passkey.aaguid, backed_up: passkey.backedUp },
  });
  return ok({ passkey_id: passkey.id, name: passkey.name, created_at: passkey.createdAt.toISOString() });
}

/** What the authenticator shows in its account list: the user's own address or number, else their id. */
function accountLabel(user: UserRecord): string {
  return user.email ?? user.phone ?? user.id;
}
