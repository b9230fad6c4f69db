export type TotpFactorState = "pending" | "active";

export interface TotpFactorRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly state: TotpFactorState;
  /** The base32 secret, sealed; the factor id is its additional data. */
  readonly sealedSecret: string;
  /** The time step of the last accepted code; null until one is accepted. */
  readonly lastUsedStep: number | null;
  readonly createdAt: Date;
  readonly confirmedAt: Date | null;
}

export interface NewTotpFactor {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly sealedSecret: string;
}

/** What `GET /api/auth/me` shows of a user's second factors. */
export interface SecondFactorSummary {
  /** An active (confirmed) TOTP factor; a pending one does not count. */
  readonly totp: boolean;
  readonly passkeys: number;
  readonly recoveryCodesRemaining: number;
}

export interface FactorOwner {
  readonly tenantId: string;
  readonly userId: string;
}

/**
 * TOTP factors and recovery codes. Every spend is one conditional UPDATE, so of racing uses of
 * one code exactly one wins; every change that touches both factors and codes is one statement.
 */
export interface SecondFactorStore {
  /** Read in one statement, so the three numbers belong to one moment. */
  summary(userId: string): Promise<SecondFactorSummary>;
  /** The user's factor in this state; a pending one only if created after `pendingSince`. */
  findTotp(owner: FactorOwner, state: TotpFactorState, pendingSince?: Date): Promise<TotpFactorRecord | null>;
  /** A pending factor in place of any earlier pending one. Nothing is written, and false answered, when the user has an active factor. */
  startTotp(factor: NewTotpFactor, now: Date): Promise<boolean>;
  /**
   * Makes the pending factor active with `step` as its last used step, and replaces the user's
   * recovery codes with `codeHashes`, all in one statement. False, with nothing changed, when the
   * factor is no longer pending or was created before `pendingSince`.
   */
  confirmTotp(owner: FactorOwner, factorId: string, confirmation: { readonly step: number; readonly codeHashes: readonly string[]; readonly now: Date; readonly pendingSince: Date }): Promise<boolean>;
  /** Deletes a pending factor (too many wrong confirmations). */
  dropPendingTotp(owner: FactorOwner, factorId: string): Promise<void>;
  /** Records `step` as used on the active factor only if it is newer than the last used one. True when this call accepted it. */
  acceptTotpStep(owner: FactorOwner, factorId: string, step: number): Promise<boolean>;
  /**
   * Deletes the user's TOTP factor (active and pending) and, in the same statement, their recovery
   * codes when no passkey is left either. `removed` is false when there was no active factor.
   */
  removeTotp(owner: FactorOwner): Promise<{ readonly removed: boolean; readonly recoveryCodesDeleted: number }>;
  /**
   * The user's codes become exactly `codeHashes`, in one statement: the old set stops working as
   * the new one starts. Only while the user has a second factor (active TOTP or a passkey); false,
   * with nothing changed, otherwise.
   */
  replaceRecoveryCodes(owner: FactorOwner, codeHashes: readonly string[], now: Date): Promise<boolean>;
  /** Spends an unused code of this user; `remaining` counts the unused codes left after it. */
  spendRecoveryCode(owner: FactorOwner, codeHash: string, now: Date): Promise<{ readonly spent: boolean; readonly remaining: number }>;
}
