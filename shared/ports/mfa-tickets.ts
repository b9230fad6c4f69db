import type { MfaTicket, TicketAdmission } from "../domain/mfa-ticket";

/**
 * The `mfa_token`s of two-step sign-ins, each kept under a hash of the token. Every use is an
 * attempt counted before its code is checked; one completed attempt spends the token.
 */
export interface MfaTickets {
  /** Stores the ticket under `tokenHash` for `ttlSeconds`, with `maxAttempts` attempts. */
  issue(tokenHash: string, ticket: MfaTicket, limits: { readonly ttlSeconds: number; readonly maxAttempts: number }): Promise<void>;
  /** Counts one attempt against the ticket for a caller of `tenantId`; expired, spent, exhausted, unknown or another tenant's: `expired`. */
  attempt(tokenHash: string, tenantId: string): Promise<TicketAdmission>;
  /** Spends the ticket for this admitted attempt; false when another attempt did first, or it expired meanwhile. */
  complete(tokenHash: string, attemptId: string): Promise<boolean>;
  /**
   * The live ticket, read without counting an attempt: the passkey options of the second step,
   * and the enrolment routes (`tenantId` null: the token names its tenant). Another tenant's: null.
   */
  peek(tokenHash: string, tenantId: string | null): Promise<MfaTicket | null>;
}
