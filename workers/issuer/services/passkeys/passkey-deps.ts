import type { PasskeyStore } from "../../../../shared/ports/passkey-store";
import type { WebauthnChallengeStore } from "../../../../shared/ports/webauthn-challenge-store";
import type { AuditRecorder } from "../audit-recorder";

/** What every passkey ceremony needs: the stores, and the issuer URL the default RP id and origin come from. */
export interface PasskeyDeps {
  readonly passkeys: PasskeyStore;
  readonly webauthnChallenges: WebauthnChallengeStore;
  readonly issuer: string;
}

/** Verification also writes its failures (and a counter regression) to the request's audit. */
export interface PasskeyVerificationDeps extends PasskeyDeps {
  readonly audit: AuditRecorder;
}

/** The WebAuthn user handle (`user.id`): the user id's bytes, opaque and free of personal data. */
export function userHandle(userId: string): Uint8Array {
  return new TextEncoder().encode(userId);
}
