import type { AmrValue } from "./authentication-methods";

/** How long a sign-in may sit between its first factor and its second (or its enrolment). */
export const MFA_TOKEN_TTL_SECONDS = 5 * 60;

/** Failed second factors one `mfa_token` survives; the next attempt finds it gone. */
export const MFA_TOKEN_MAX_ATTEMPTS = 5;

/** What one `mfa_token` stands for: who passed which first factor, and when. */
export interface MfaTicket {
  readonly tenantId: string;
  readonly userId: string;
  /** The first factor's `amr`; the session adds the second's and `mfa`. */
  readonly amr: readonly AmrValue[];
  /** When the first factor was passed, in epoch milliseconds. */
  readonly firstFactorAt: number;
  /** True when the user had no second factor and the tenant requires one: the token may only enrol one. */
  readonly enrollment: boolean;
  /** Whether the first factor created the user, so the session still says `is_new_user`. */
  readonly newUser: boolean;
}

/** A ticket as its Durable Object keeps it. */
export interface StoredTicket extends MfaTicket {
  readonly expiresAt: number;
  readonly attemptsLeft: number;
  /** Attempts counted and not yet settled; completing one spends the ticket. */
  readonly pending: readonly string[];
}

export type TicketAdmission =
  | { readonly kind: "admitted"; readonly ticket: MfaTicket; readonly attemptId: string; readonly attemptsRemaining: number }
  | { readonly kind: "expired" };

/**
 * Counts an attempt before its code is checked, so racing attempts can never exceed the
 * limit: the attempt stays counted as a failure unless it completes, which spends the ticket.
 * A caller of another tenant is an attempt too (and refused): a token guessed or leaked
 * across tenants burns out rather than being probed for free.
 */
export function admitAttempt(stored: StoredTicket | undefined, tenantId: string, attemptId: string, now: number): { state: StoredTicket | null; admission: TicketAdmission } {
  if (stored === undefined || stored.expiresAt <= now || stored.attemptsLeft <= 0) return { state: null, admission: { kind: "expired" } };
  const attemptsLeft = stored.attemptsLeft - 1;
  if (stored.tenantId !== tenantId) return { state: attemptsLeft > 0 || stored.pending.length > 0 ? { ...stored, attemptsLeft } : null, admission: { kind: "expired" } };
  return { state: { ...stored, attemptsLeft, pending: [...stored.pending, attemptId] }, admission: { kind: "admitted", ticket: ticketOf(stored), attemptId, attemptsRemaining: attemptsLeft } };
}

/** The ticket without its object's bookkeeping. */
export function ticketOf(stored: StoredTicket): MfaTicket {
  return { tenantId: stored.tenantId, userId: stored.userId, amr: stored.amr, firstFactorAt: stored.firstFactorAt, enrollment: stored.enrollment, newUser: stored.newUser };
}

/** True for exactly one admitted attempt of a live ticket: the one whose second factor opens the session. */
export function canComplete(stored: StoredTicket | undefined, attemptId: string, now: number): boolean {
  return stored !== undefined && stored.expiresAt > now && stored.pending.includes(attemptId);
}
