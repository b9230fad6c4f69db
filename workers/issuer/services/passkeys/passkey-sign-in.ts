import { decodeBase64Url } from "../../../../shared/crypto/base64url";
import { bytesEqual } from "../../../../shared/crypto/constant-time";
import { isId } from "../../../../shared/crypto/ids";
import { verifyAssertion } from "../../../../shared/crypto/webauthn-verification";
import { PASSKEY_AMR } from "../../../../shared/domain/authentication-methods";
import { passkeyRelyingParty } from "../../../../shared/domain/passkey-relying-party";
import type { RequestContext } from "../../../../shared/domain/request-context";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { PasskeyRecord } from "../../../../shared/ports/passkey-store";
import { openUserSession, type AccountSessionDeps, type SignedIn } from "../account-session";
import type { AuditRecorder } from "../audit-recorder";
import type { SignInTenant } from "../phone-sign-in";
import type { SigningKeyService } from "../signing-keys";
import { CHALLENGE_TTL_SECONDS, issueChallenge } from "./passkey-challenges";
import { parseAssertionCredential } from "./passkey-credential-input";
import { userHandle, type PasskeyDeps, type PasskeyVerificationDeps } from "./passkey-deps";
import type { PasskeyOptionsAnswer } from "./passkey-registration";

const INVALID_CREDENTIAL: Failure = { reason: "invalid_credential" };

/** `POST /api/auth/passkeys/login/options`: request options for a discoverable credential (no `allowCredentials`). */
export async function passkeyLoginOptions(deps: PasskeyDeps, tenant: SignInTenant, now: Date): Promise<PasskeyOptionsAnswer> {
  return requestOptions(deps, tenant, null, [], now);
}

/** Request options for a passkey as `userId`'s second factor: the challenge is bound to them, `allowCredentials` lists their passkeys. */
export async function passkeyOptionsForUser(deps: PasskeyDeps, tenant: SignInTenant, userId: string): Promise<PasskeyOptionsAnswer> {
  const passkeys = await deps.passkeys.listForUser(tenant.tenant.id, userId);
  return requestOptions(deps, tenant, userId, passkeys, new Date());
}

async function requestOptions(deps: PasskeyDeps, { tenant, settings }: SignInTenant, userId: string | null, allowed: readonly PasskeyRecord[], now: Date): Promise<PasskeyOptionsAnswer> {
  const issued = await issueChallenge(deps.webauthnChallenges, { tenantId: tenant.id, userId, purpose: "authentication" }, now);
  return {
    challenge_id: issued.challengeId,
    options: {
      challenge: issued.challenge,
      timeout: CHALLENGE_TTL_SECONDS * 1000,
      rpId: passkeyRelyingParty(settings, deps.issuer).rpId,
      allowCredentials: allowed.map((passkey) => ({ type: "public-key", id: passkey.credentialId, transports: passkey.transports })),
      userVerification: "required",
    },
  };
}

/**
 * Checks a passkey assertion (WebAuthn §7.2) against a challenge of this tenant, and records
 * the use. With `expectedUserId` (a passkey as second factor) the credential must be that
 * user's and the challenge issued to them or to nobody. Every failure is the same
 * `401 invalid_credential` to the client; the audit says which check failed. The challenge is
 * spent before anything is checked, so whatever happens it is never accepted again.
 */
export async function verifyPasskeyAssertion(
  deps: PasskeyVerificationDeps,
  tenant: SignInTenant,
  input: { readonly challengeId: string; readonly credential: unknown; readonly expectedUserId?: string },
  now: Date,
): Promise<Result<{ readonly userId: string; readonly passkeyId: string }, Failure>> {
  const credential = parseAssertionCredential(input.credential);
  if (!credential.ok) return credential;
  const tenantId = tenant.tenant.id;
  const secondFactor = input.expectedUserId !== undefined;
  const refuse = (reason: string, passkey?: PasskeyRecord): Result<never, Failure> => {
    deps.audit.record("passkey.sign_in_failed", "failure", {
      tenantId,
      // A second factor fails on the timeline of the user signing in, whoever owns the passkey offered.
      userId: input.expectedUserId ?? passkey?.userId ?? null,
      details: { reason, challenge_id: input.challengeId, second_factor: secondFactor, ...(passkey ? { passkey_id: passkey.id, passkey_user_id: passkey.userId } : {}) },
    });
    return err(INVALID_CREDENTIAL);
  };

  const spent = isId("wac", input.challengeId) ? await deps.webauthnChallenges.spend(input.challengeId, { tenantId, purpose: "authentication" }, now) : null;
  if (!spent) return refuse("challenge_unknown_spent_or_expired");
  if (spent.userId !== null && spent.userId !== input.expectedUserId) return refuse("challenge_of_another_user");
  const passkey = await deps.passkeys.findByCredentialId(tenantId, credential.value.id);
  if (!passkey) return refuse("unknown_credential");
  if (secondFactor && passkey.userId !== input.expectedUserId) return refuse("credential_of_another_user", passkey);
  // §7.2 step 6: a user handle, when the authenticator returns one, must name the credential's owner.
  const handle = credential.value.response.userHandle;
  if (handle !== undefined && handle !== null && !bytesEqual(decodeBase64Url(handle) ?? new Uint8Array(), userHandle(passkey.userId))) return refuse("user_handle_mismatch", passkey);

  const challenge = decodeBase64Url(spent.challenge);
  if (!challenge) throw new Error("a stored WebAuthn challenge is not base64url");
  const { response } = credential.value;
  const verified = await verifyAssertion(
    { id: credential.value.id, clientDataJSON: response.clientDataJSON, authenticatorData: response.authenticatorData, signature: response.signature },
    { challenge, ...passkeyRelyingParty(tenant.settings, deps.issuer) },
    passkey,
  );
  if (!verified.ok) return refuse(verified.error, passkey);

  // §7.2 step 21: a counter that did not move forward may mean a cloned authenticator. Zero on
  // both sides is an authenticator without a counter. The store checks again in its write.
  const { signCount } = verified.value;
  const advanced = signCount > passkey.signCount || (signCount === 0 && passkey.signCount === 0);
  if (!advanced || !(await deps.passkeys.recordUse(passkey.id, signCount, verified.value.backedUp, now))) {
    deps.audit.record("passkey.counter_regression", "blocked", {
      tenantId,
      userId: passkey.userId,
      details: { passkey_id: passkey.id, stored_sign_count: passkey.signCount, presented_sign_count: signCount, second_factor: secondFactor },
    });
    return refuse("counter_regression", passkey);
  }
  return ok({ userId: passkey.userId, passkeyId: passkey.id });
}

export interface PasskeySignInDeps extends PasskeyDeps, AccountSessionDeps {
  readonly signingKeys: SigningKeyService;
}

/** `POST /api/auth/passkeys/login`: a user-verified passkey alone is a two-factor sign-in (`amr` hwk, user, mfa). */
export async function passkeySignIn(
  deps: PasskeySignInDeps,
  audit: AuditRecorder,
  context: RequestContext,
  tenant: SignInTenant,
  input: { readonly challengeId: string; readonly credential: unknown },
): Promise<Result<SignedIn, Failure>> {
  // Loaded before the challenge is spent: a database outage then leaves it usable.
  const signer = await deps.signingKeys.currentSigner();
  const verified = await verifyPasskeyAssertion({ ...deps, audit }, tenant, input, new Date());
  if (!verified.ok) return verified;
  return openUserSession(deps, audit, context, tenant, { signer, userId: verified.value.userId, amr: PASSKEY_AMR, details: { method: "passkey", passkey_id: verified.value.passkeyId } });
}
