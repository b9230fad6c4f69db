import type { AmrValue } from "../domain/authentication-methods";
import type { UserRecord } from "./user-repository";

export interface SessionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly userId: string;
  readonly expiresAt: Date;
  readonly revokedAt: Date | null;
  /** When and how the user signed in: every token of the session carries these unchanged. */
  readonly authTime: Date;
  readonly amr: readonly AmrValue[];
  /** The OAuth client the session was issued to, and the scopes granted to it; null for the JSON sign-in routes. Read by `find` only. */
  readonly clientId?: string | null;
  readonly scope?: string | null;
  /** The issuer's browser session it was opened under (its id hash), if any. Read by `find` only. */
  readonly browserSessionId?: string | null;
}

export interface NewSession {
  readonly id: string;
  readonly refreshTokenHash: string;
  readonly expiresAt: Date;
  readonly ip: string | null;
  readonly userAgent: string | null;
  /** How the user proved who they are (RFC 8176 values: `sms`, `pwd`, …); every sign-in path states its own. */
  readonly amr: readonly AmrValue[];
  /** When the user proved it: the first factor's moment, or the second's when there were two. */
  readonly authTime: Date;
  /** The OAuth client the session is issued to through `/oauth2/token`; absent for the JSON sign-in routes. */
  readonly clientId?: string | null;
  /** The issuer's browser session the authorization code was granted under, if any. */
  readonly browserSessionId?: string | null;
  /** The scopes granted to the client (space-separated); userinfo releases claims by them. */
  readonly scope?: string | null;
}

/** A session as "signed in on these devices" shows it. */
export interface DeviceSession {
  readonly id: string;
  readonly createdAt: Date;
  /** The last refresh; null until the first one. */
  readonly lastUsedAt: Date | null;
  readonly ip: string | null;
  readonly userAgent: string | null;
  readonly amr: readonly string[];
  /** The browser session it was opened under (its id hash): one browser's sign-in and its apps' sessions share it. */
  readonly browserSessionId: string | null;
}

export interface PhoneSignInRequest {
  readonly tenantId: string;
  readonly phone: string;
  /** Who the phone becomes when the tenant has no live user with it yet. */
  readonly newUser: { readonly id: string; readonly roles: readonly string[] };
  readonly session: NewSession;
}

export interface EmailSignInRequest {
  readonly tenantId: string;
  /** An address whose owner just proved it; compared case-insensitively. */
  readonly email: string;
  /** Who the address becomes when the tenant has no live user with it yet; created verified. */
  readonly newUser: { readonly id: string; readonly roles: readonly string[] };
  readonly session: NewSession;
}

export type UserSignInOutcome = PhoneSignInOutcome | { readonly kind: "user_gone" };

/** What a verified phone led to, decided in one transaction: a session for its (possibly new) user, or none. */
export type PhoneSignInOutcome =
  | { readonly kind: "opened"; readonly user: UserRecord; readonly created: boolean }
  | { readonly kind: "user_disabled"; readonly user: UserRecord };

export interface RotationRequest {
  readonly presentedHash: string;
  readonly successorHash: string;
  /**
   * The successor itself, sealed (see `refresh-retry-copy`), kept so that a retry of the
   * presented token within the reuse interval gets this same successor. Null when the
   * tenant has no interval: nothing recoverable is stored then.
   */
  readonly successorSealed: string | null;
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
  /** A retry within the interval: the answer carries the successor already installed, unsealed from `sealedSuccessor`. */
  | { readonly kind: "retried"; readonly session: SessionRecord; readonly user: SessionUser; readonly sealedSuccessor: string }
  | { readonly kind: "reused"; readonly session: SessionRecord }
  | { readonly kind: "invalid" };

export interface SessionStore {
  /**
   * The phone's user (created on its first sign-in), the session and its first
   * refresh token, in one transaction: a sign-in is written whole or not at all.
   */
  openForPhone(request: PhoneSignInRequest): Promise<PhoneSignInOutcome>;
  /**
   * As `openForPhone`, for an address proven by a code or link: the user holding it (created
   * verified on first sign-in) gets the session. The address must already be verified on an
   * existing user (see AccountStore.claimUnverifiedEmail), else the answer is `user_gone`.
   */
  openForEmail(request: EmailSignInRequest): Promise<UserSignInOutcome>;
  /** A session for a known user (a password login, a reset): none when the user is disabled or gone. */
  openForUser(request: { readonly tenantId: string; readonly userId: string; readonly session: NewSession }): Promise<UserSignInOutcome>;
  find(id: string): Promise<SessionRecord | null>;
  /** The session a refresh token (any generation, spent or not) belongs to, by the token's hash: for RFC 7009 revocation. */
  findByRefreshHash(tokenHash: string): Promise<SessionRecord | null>;
  /** The user's sessions neither revoked nor expired at `now`, newest first. */
  listLive(userId: string, now: Date): Promise<DeviceSession[]>;
  /**
   * Spends the presented token and installs the successor as the session's only
   * live refresh token. A token spent less than `reuseIntervalSeconds` ago whose
   * successor is still unspent is a retry: nothing is written, and the answer is
   * that same successor, so the chain never forks. Spent earlier (or its successor
   * already spent), a reuse, which revokes the session and queues its revocation.
   */
  rotate(request: RotationRequest): Promise<RefreshOutcome>;
  /** Clears the sealed copies of tokens created before `createdBefore`; returns how many. */
  forgetRetryCopies(createdBefore: Date): Promise<number>;
}
