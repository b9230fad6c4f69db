import { randomBase32 } from "../../crypto/ids";
import type { MfaTicket, TicketAdmission } from "../../domain/mfa-ticket";
import type { MfaTickets } from "../../ports/mfa-tickets";
import type { MfaTicketGuard } from "./mfa-ticket-guard";

const HEX_HASH = /^[0-9a-f]{64}$/;

/** Object names are built here only: one object per token, named by its SHA-256. */
export function mfaTicketName(tokenHash: string): string {
  if (!HEX_HASH.test(tokenHash)) throw new TypeError("an mfa ticket is named by the 64-hex hash of its token");
  return `mfa:${tokenHash}`;
}

export class MfaTicketClient implements MfaTickets {
  readonly #namespace: DurableObjectNamespace<MfaTicketGuard>;

  constructor(namespace: DurableObjectNamespace<MfaTicketGuard>) {
    this.#namespace = namespace;
  }

  async issue(tokenHash: string, ticket: MfaTicket, limits: { readonly ttlSeconds: number; readonly maxAttempts: number }): Promise<void> {
    // 160 random bits never collide; a clash means a bug that reuses tokens.
    if (!(await this.#stub(tokenHash).issue({ ticket: { ...ticket, amr: [...ticket.amr] }, ...limits }))) throw new Error("an mfa ticket's object already held a ticket");
  }

  attempt(tokenHash: string, tenantId: string): Promise<TicketAdmission> {
    return this.#stub(tokenHash).attempt({ tenantId, attemptId: randomBase32(26) });
  }

  complete(tokenHash: string, attemptId: string): Promise<boolean> {
    return this.#stub(tokenHash).complete({ attemptId });
  }

  peek(tokenHash: string, tenantId: string | null): Promise<MfaTicket | null> {
    return this.#stub(tokenHash).peek({ tenantId });
  }

  #stub(tokenHash: string) {
    return this.#namespace.get(this.#namespace.idFromName(mfaTicketName(tokenHash)));
  }
}
