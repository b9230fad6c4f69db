export interface UserRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly phone: string | null;
  readonly email: string | null;
  readonly emailVerified: boolean;
  /** Whether a password is set; the hash itself never leaves the repository's credential reads. */
  readonly hasPassword: boolean;
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

/** What giving a user a verified phone led to; the live-phone unique index decides between racing claims. */
export type PhoneAttachment =
  | { readonly kind: "attached"; readonly user: UserRecord }
  | { readonly kind: "taken" }
  | { readonly kind: "no_user" };

export interface UserRepository {
  find(id: string): Promise<UserRecord | null>;
  list(filter: { tenantId?: string; phone?: string; limit: number; cursor: string | null }): Promise<UserPage>;
  /** Changes profile fields, roles or re-enables; disabling and erasing go through the revocation store. */
  update(id: string, changes: UserChanges): Promise<UserRecord | null>;
  /** Makes `phone` (E.164, verified) the live user's phone, replacing any other; `taken` when another live user of the tenant has it. */
  attachPhone(id: string, phone: string): Promise<PhoneAttachment>;
  /**
   * The live user holding this verified phone, or holding this verified address, created on
   * its first sign-in without a session: for a sign-in that owes a second step (or an
   * enrolment) before its session opens. The live unique indexes decide racing first
   * sign-ins. Null for an address a live user holds unverified (its claim is taken over first).
   */
  findOrCreateByPhone(request: FirstSignIn & { readonly phone: string }): Promise<{ readonly user: UserRecord; readonly created: boolean }>;
  findOrCreateByEmail(request: FirstSignIn & { readonly email: string }): Promise<{ readonly user: UserRecord; readonly created: boolean } | null>;
}

export interface FirstSignIn {
  readonly tenantId: string;
  readonly newUser: { readonly id: string; readonly roles: readonly string[] };
}
