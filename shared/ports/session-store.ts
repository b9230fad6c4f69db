import type { UserRecord } from "./user-repository";

export interface SessionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
}

export interface NewSession {
  readonly id: string;
  readonly refreshTokenHash: string;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
}

export interface PhoneSignInRequest {
  readonly tenantId: string;
  readonly phone: string;
  /** Who the phone becomes when the tenant has no live user with it yet. */
  readonly newUser: { readonly id: string; readonly roles: readonly string[] };
  readonly session: NewSession;
}

/** What a verified phone led to, decided in one transaction: a session for its (possibly new) user, or none. */
export type PhoneSignInOutcome =
  | { readonly kind: "opened"; readonly user: UserRecord; readonly created: boolean }
  | { readonly kind: "user_disabled"; readonly user: UserRecord };

export interface RotationRequest {
  readonly presentedHash: string;
  readonly successorHash: string;
  readonly tenantId: string;
  readonly reuseIntervalSeconds: number;
  readonly now: Date;
  /** A successful rotation slides the session's expiry to this instant. */
  readonly sessionExpiresAt: Date;
  /** When reuse revokes the session: how long the revocation list must keep it. */
  readonly listExpiresAt: Date;
}

/** What a refresh needs of the session's user, read in the same statement as the rotation. */
export interface SessionUser extends Pick<UserRecord, "id" | "tenantId" | "roles" | "tokensValidAfter" | "disabled"> {
  readonly deleted: boolean;
}

/** What happened to a presented refresh token, decided atomically in Postgres. */
export type RefreshOutcome =
  | { readonly kind: "rotated"; readonly session: SessionRecord; readonly user: SessionUser }
  | { readonly kind: "retried"; readonly session: SessionRecord; readonly user: SessionUser }
  | { readonly kind: "reused"; readonly session: SessionRecord }
  | { readonly kind: "invalid" };

export interface SessionStore {
  /**
   * The phone's user (created on its first sign-in), the session and its first
   * refresh token, in one transaction: a sign-in is written whole or not at all.
   */
  openForPhone(request: PhoneSignInRequest): Promise<PhoneSignInOutcome>;
  find(id: string): Promise<SessionRecord | null>;
  /**
   * Spends the presented token and installs the successor as the session's only
   * live refresh token. A token spent less than `reuseIntervalSeconds` ago is a
   * retry (the earlier successor is spent, never doubled); spent earlier, a
   * reuse, which revokes the session and queues its revocation.
   */
  rotate(request: RotationRequest): Promise<RefreshOutcome>;
}
