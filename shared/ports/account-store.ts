import type { UserRecord } from "./user-repository";

/** A user with the password hash a login checks; only the account services see the hash. */
export interface AccountCredential {
  readonly user: UserRecord;
  readonly passwordHash: string | null;
}

export interface NewPasswordUser {
  readonly id: string;
  readonly tenantId: string;
  /** As the user gave it; compared case-insensitively. */
  readonly email: string;
  readonly emailVerified: boolean;
  readonly passwordHash: string;
  readonly roles: readonly string[];
}

export type EmailChangeOutcome =
  | { readonly kind: "changed"; readonly user: UserRecord }
  | { readonly kind: "email_taken" }
  | { readonly kind: "user_gone" };

/** The email and password side of users. Every address comparison is case-insensitive and sees live users only. */
export interface AccountStore {
  /** The live user holding this address, verified or not (callers decide what an unverified one may do). */
  findByEmail(tenantId: string, email: string): Promise<AccountCredential | null>;
  findCredential(userId: string): Promise<AccountCredential | null>;
  /** The live unique index on the address decides a race between two sign-ups. */
  createWithPassword(user: NewPasswordUser): Promise<{ readonly kind: "created"; readonly user: UserRecord } | { readonly kind: "email_taken" }>;
  /**
   * Sets the hash only if the stored one is still `expected` (null: no password yet), so a
   * rehash on login never overwrites a password changed at the same moment. True when written.
   */
  replacePasswordHash(userId: string, expected: string | null, next: string): Promise<boolean>;
  /** Marks the address verified if it is still the user's address. Null when it no longer is, or the user is gone. */
  markEmailVerified(userId: string, email: string): Promise<UserRecord | null>;
  /**
   * Takes over an unverified claim on an address whose owner just proved it (code or link):
   * marks it verified and drops a password set before it was verified, which whoever made the
   * claim may know. Answers whether a password was dropped (its sessions must be revoked too).
   */
  claimUnverifiedEmail(userId: string, email: string): Promise<{ readonly user: UserRecord; readonly passwordDropped: boolean } | null>;
  /**
   * Deletes a user a sign-up has just created, when its verification mail could not be sent:
   * only while its address is unverified and it has never had a session. True when deleted.
   */
  discardUnverified(userId: string): Promise<boolean>;
  /** Gives the user a new, verified address; another live user holding it is `email_taken`. */
  changeEmail(userId: string, email: string): Promise<EmailChangeOutcome>;
}
