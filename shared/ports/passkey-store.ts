export interface PasskeyRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  /** base64url, as browsers spell it. */
  readonly credentialId: string;
  /** A JWK (JSON text). */
  readonly publicKey: string;
  /** COSE algorithm: -7 (ES256) or -257 (RS256). */
  readonly algorithm: number;
  readonly signCount: number;
  readonly transports: readonly string[];
  readonly aaguid: string | null;
  readonly backedUp: boolean;
  readonly name: string;
  readonly createdAt: Date;
  readonly lastUsedAt: Date | null;
}

export type NewPasskey = Omit<PasskeyRecord, "createdAt" | "lastUsedAt">;

export type PasskeyAddOutcome = { readonly kind: "added"; readonly passkey: PasskeyRecord } | { readonly kind: "credential_taken" } | { readonly kind: "user_gone" };

/** Users' WebAuthn credentials. A credential id is unique per tenant. */
export interface PasskeyStore {
  /** Only for a live user of the tenant; the unique index decides a credential registered twice. */
  add(passkey: NewPasskey, now: Date): Promise<PasskeyAddOutcome>;
  listForUser(tenantId: string, userId: string): Promise<PasskeyRecord[]>;
  findByCredentialId(tenantId: string, credentialId: string): Promise<PasskeyRecord | null>;
  /**
   * Records a sign-in with this counter, only if it moved forward (or both it and the stored
   * one are zero: an authenticator without a counter). False, and nothing written, when the
   * counter went back or stood still, or the passkey is gone: decided in the write itself.
   */
  recordUse(id: string, signCount: number, backedUp: boolean, now: Date): Promise<boolean>;
  /**
   * Deletes one of the user's passkeys, and the user's recovery codes when it was their last
   * second factor; false when it is not theirs or already gone.
   */
  remove(tenantId: string, userId: string, id: string): Promise<boolean>;
}
