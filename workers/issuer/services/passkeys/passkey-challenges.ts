import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { newId } from "../../../../shared/crypto/ids";
import type { WebauthnChallengePurpose, WebauthnChallengeStore } from "../../../../shared/ports/webauthn-challenge-store";

/** 256 random bits: far beyond the 16 bytes WebAuthn asks for (§13.4.3). */
export const CHALLENGE_BYTES = 32;
/** A ceremony takes seconds; five minutes leaves room for a slow user, not for a stockpile. */
export const CHALLENGE_TTL_SECONDS = 300;

export interface IssuedChallenge {
  readonly challengeId: string;
  /** base64url, as `options.challenge` carries it. */
  readonly challenge: string;
  readonly expiresAt: Date;
}

/** Stores a fresh challenge under a new `challenge_id` (`wac_…`), bound to the tenant and, when given, the user. */
export async function issueChallenge(
  store: WebauthnChallengeStore,
  binding: { readonly tenantId: string; readonly userId: string | null; readonly purpose: WebauthnChallengePurpose },
  now: Date,
): Promise<IssuedChallenge> {
  const challenge = encodeBase64Url(crypto.getRandomValues(new Uint8Array(CHALLENGE_BYTES)));
  const challengeId = newId("wac");
  const expiresAt = new Date(now.getTime() + CHALLENGE_TTL_SECONDS * 1000);
  await store.issue({ id: challengeId, ...binding, challenge, expiresAt }, now);
  return { challengeId, challenge, expiresAt };
}
