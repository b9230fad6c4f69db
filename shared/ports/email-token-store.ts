/** What a link does: sign in, confirm the address of a new account, confirm a new address, or reset the password. */
export type EmailTokenPurpose = "sign_in" | "verify_email" | "change_email" | "reset_password";

export interface EmailTokenRecord {
  readonly tenantId: string;
  readonly userId: string | null;
  readonly purpose: EmailTokenPurpose;
  readonly email: string;
  readonly requestId: string | null;
  readonly expiresAt: Date;
}

export interface NewEmailToken extends EmailTokenRecord {
  /** A keyed hash of the token; the token itself is only in the email. */
  readonly tokenHash: string;
}

/** The tokens of links Portcullis emails. Each is spent at most once. */
export interface EmailTokenStore {
  /**
   * Stores a token and, in the same statement, spends the live tokens of the same purpose
   * sent earlier to this address in this tenant: a new email replaces the old one.
   */
  issue(token: NewEmailToken, now: Date): Promise<void>;
  /** A live token without spending it (to check a new password before the reset link is used up). */
  find(tokenHash: string, now: Date): Promise<EmailTokenRecord | null>;
  /**
   * Spends a live token of one of `purposes` (and of `tenantId`, when given): of racing calls
   * exactly one gets the record; a spent, expired, unknown or other-purpose token gives null
   * and is left as it was.
   */
  consume(tokenHash: string, now: Date, expected: { readonly purposes: readonly EmailTokenPurpose[]; readonly tenantId?: string }): Promise<EmailTokenRecord | null>;
  /** Spends the live token sent with this code request (its code was used instead) and returns it; null when there is none left. */
  spendForRequest(requestId: string, now: Date): Promise<EmailTokenRecord | null>;
  /** Deletes tokens that expired before `before`; returns how many. */
  deleteExpired(before: Date): Promise<number>;
}
