import { DurableObject } from "cloudflare:workers";
import { z } from "zod";
import { AMR_VALUES } from "../../domain/authentication-methods";
import { admitAttempt, canComplete, ticketOf, type MfaTicket, type StoredTicket, type TicketAdmission } from "../../domain/mfa-ticket";

const TICKET_KEY = "ticket";
const tenantId = z.string().regex(/^[A-Za-z0-9_-]{1,64}$/);
const attemptId = z.string().regex(/^[0-9a-hjkmnp-tv-z]{26}$/);
const issueInput = z.strictObject({
  ticket: z.strictObject({
    tenantId,
    userId: z.string().min(1).max(64),
    amr: z.array(z.enum(AMR_VALUES)).min(1),
    firstFactorAt: z.number().int().nonnegative(),
    enrollment: z.boolean(),
    newUser: z.boolean(),
  }),
  ttlSeconds: z.number().int().positive().max(3600),
  maxAttempts: z.number().int().positive().max(100),
});
const attemptInput = z.strictObject({ tenantId, attemptId });
const completeInput = z.strictObject({ attemptId });
const peekInput = z.strictObject({ tenantId: tenantId.nullable() });

/**
 * One `mfa_token`, in the object named by the token's hash (the token itself is never stored).
 * Each RPC reads, decides and writes with synchronous storage calls, so racing attempts are
 * counted one at a time and exactly one of them can complete. The alarm at expiry deletes it.
 */
export class MfaTicketGuard extends DurableObject {
  /** False when the object already holds a ticket: one is never written over. */
  issue(input: unknown): boolean {
    const { ticket, ttlSeconds, maxAttempts } = issueInput.parse(input);
    if (this.#stored() !== undefined) return false;
    const expiresAt = Date.now() + ttlSeconds * 1000;
    this.ctx.storage.kv.put(TICKET_KEY, { ...ticket, expiresAt, attemptsLeft: maxAttempts, pending: [] } satisfies StoredTicket);
    void this.ctx.storage.setAlarm(expiresAt);
    return true;
  }

  attempt(input: unknown): TicketAdmission {
    const request = attemptInput.parse(input);
    const { state, admission } = admitAttempt(this.#stored(), request.tenantId, request.attemptId, Date.now());
    if (state === null) this.#forget();
    else this.ctx.storage.kv.put(TICKET_KEY, state);
    return admission;
  }

  complete(input: unknown): boolean {
    const request = completeInput.parse(input);
    const won = canComplete(this.#stored(), request.attemptId, Date.now());
    if (won) this.#forget();
    return won;
  }

  peek(input: unknown): MfaTicket | null {
    const request = peekInput.parse(input);
    const stored = this.#stored();
    if (stored === undefined || stored.expiresAt <= Date.now() || stored.attemptsLeft <= 0) return null;
    if (request.tenantId !== null && stored.tenantId !== request.tenantId) return null;
    return ticketOf(stored);
  }

  override alarm(): void {
    const stored = this.#stored();
    if (stored === undefined || stored.expiresAt <= Date.now()) this.#forget();
    else void this.ctx.storage.setAlarm(stored.expiresAt);
  }

  #stored(): StoredTicket | undefined {
    return this.ctx.storage.kv.get<StoredTicket>(TICKET_KEY);
  }

  #forget(): void {
    this.ctx.storage.kv.delete(TICKET_KEY);
    void this.ctx.storage.deleteAlarm();
  }
}
