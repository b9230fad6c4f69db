/** An external account (social or enterprise sign-in) linked to a user. */
export interface IdentityRecord {
  readonly provider: string;
  /** The address the provider reported, if any. */
  readonly email: string | null;
  readonly linkedAt: Date;
}

export interface LinkedIdentity extends IdentityRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly connectionId: string;
  readonly subject: string;
  readonly emailVerified: boolean;
}

export interface NewIdentity {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly connectionId: string;
  readonly provider: string;
  readonly subject: string;
  readonly email: string | null;
  readonly emailVerified: boolean;
  readonly sealedTokens: string | null;
}

export interface IdentityStore {
  /** The user's linked identities, oldest link first. */
  listForUser(userId: string): Promise<IdentityRecord[]>;
  listLinked(userId: string): Promise<LinkedIdentity[]>;
  findBySubject(tenantId: string, connectionId: string, subject: string): Promise<LinkedIdentity | null>;
  /** "taken" when that (tenant, connection, subject) is already linked (to anyone) */
  link(identity: NewIdentity, now: Date): Promise<"linked" | "taken">;
  /** refresh email/verified/tokens on each sign-in */
  refresh(id: string, changes: { readonly email: string | null; readonly emailVerified: boolean; readonly sealedTokens?: string | null }): Promise<void>;
  /** removes one of the user's identities; false if none of theirs has that id */
  unlink(userId: string, identityId: string): Promise<boolean>;
}
