/** An external account (social or enterprise sign-in) linked to a user. */
export interface IdentityRecord {
  readonly provider: string;
  /** The address the provider reported, if any. */
  readonly email: string | null;
  readonly linkedAt: Date;
}

export interface IdentityStore {
  /** The user's linked identities, oldest link first. */
  listForUser(userId: string): Promise<IdentityRecord[]>;
}
