export interface UserRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly roles: readonly string[];
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly disabled: boolean;
  readonly tokensValidAfter: Date | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
  readonly deletedAt: Date | null;
}

export interface UserPage {
  readonly users: readonly UserRecord[];
  readonly nextCursor: string | null;
}

export interface UserChanges {
  readonly roles?: readonly string[];
  readonly disabled?: boolean;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly email?: string | null;
}

/** The session a phone sign-in opens, with its first refresh token (stored only as a hash). */
export interface PhoneSession {
  readonly id: string;
  readonly refreshTokenHash: string;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface PhoneSignIn {
  readonly user: UserRecord;
  readonly created: boolean;
  /** False exactly when the user is disabled: then no session exists. */
  readonly sessionOpened: boolean;
}

export interface UserRepository {
  /**
   * The live user with this phone in this tenant, created when there is none (race-safe), and
   * the session opened for it unless it is disabled: one transaction, usually one round trip.
   */
  signInByPhone(tenantId: string, phone: string, create: { id: string; roles: readonly string[] }, session: PhoneSession): Promise<PhoneSignIn>;
  find(id: string): Promise<UserRecord | null>;
  list(filter: { tenantId?: string; phone?: string; limit: number; cursor: string | null }): Promise<UserPage>;
  /** Changes profile fields, roles or re-enables; disabling and erasing go through the revocation store. */
  update(id: string, changes: UserChanges): Promise<UserRecord | null>;
}
