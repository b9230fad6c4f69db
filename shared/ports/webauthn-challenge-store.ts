export type WebauthnChallengePurpose = "registration" | "authentication";

export interface NewWebauthnChallenge {
  readonly id: string;
  readonly tenantId: string;
  /** A registration names its user; so does a passkey asked for as a second factor. Discoverable sign-in has none. */
  readonly userId: string | null;
  readonly purpose: WebauthnChallengePurpose;
  /** base64url of the random bytes sent to the authenticator. */
  readonly challenge: string;
  readonly expiresAt: Date;
}

export interface SpentWebauthnChallenge {
  readonly userId: string | null;
  readonly challenge: string;
}

/** WebAuthn challenges by `challenge_id`, each spent at most once. */
export interface WebauthnChallengeStore {
  issue(challenge: NewWebauthnChallenge, now: Date): Promise<void>;
  /**
   * Spends a live challenge of this tenant and purpose in one conditional write: of racing
   * calls exactly one gets it; a spent, expired, unknown or foreign one gives null.
   */
  spend(id: string, expected: { readonly tenantId: string; readonly purpose: WebauthnChallengePurpose }, now: Date): Promise<SpentWebauthnChallenge | null>;
  /** Deletes challenges that expired before `before`; returns how many. */
  deleteExpired(before: Date): Promise<number>;
}
