import { describe, expect, it } from "vitest";
import { admitAttempt, canComplete, MFA_TOKEN_MAX_ATTEMPTS, MFA_TOKEN_TTL_SECONDS, type StoredTicket } from "../../../shared/domain/mfa-ticket";

const NOW = 1_800_000_000_000;

function stored(overrides: Partial<StoredTicket> = {}): StoredTicket {
  return { tenantId: "tn_a", userId: "usr_a", amr: ["pwd"], firstFactorAt: NOW, enrollment: false, newUser: false, expiresAt: NOW + MFA_TOKEN_TTL_SECONDS * 1000, attemptsLeft: MFA_TOKEN_MAX_ATTEMPTS, pending: [], ...overrides };
}

describe("mfa ticket rules", () => {
  it("lives five minutes and survives five failed attempts", () => {
    expect(MFA_TOKEN_TTL_SECONDS).toBe(300);
    expect(MFA_TOKEN_MAX_ATTEMPTS).toBe(5);
  });

  it("counts an admitted attempt at once, as a failure until it completes", () => {
    const { state, admission } = admitAttempt(stored(), "tn_a", "attempt1", NOW);
    expect(admission).toMatchObject({ kind: "admitted", attemptsRemaining: 4, ticket: { userId: "usr_a", amr: ["pwd"] } });
    expect(state).toMatchObject({ attemptsLeft: 4, pending: ["attempt1"] });
    expect(admission).not.toHaveProperty("ticket.attemptsLeft");
  });

  it("refuses a ticket at its expiry instant, with nothing kept", () => {
    expect(admitAttempt(stored(), "tn_a", "x", NOW + MFA_TOKEN_TTL_SECONDS * 1000)).toEqual({ state: null, admission: { kind: "expired" } });
  });

  it("refuses once the attempts ran out, with nothing kept", () => {
    expect(admitAttempt(stored({ attemptsLeft: 0 }), "tn_a", "x", NOW)).toEqual({ state: null, admission: { kind: "expired" } });
  });

  it("counts another tenant's caller against the ticket and admits nothing (cross-tenant probing)", () => {
    const { state, admission } = admitAttempt(stored(), "tn_b", "x", NOW);
    expect(admission).toEqual({ kind: "expired" });
    expect(state).toMatchObject({ attemptsLeft: 4, pending: [] });
  });

  it("keeps a ticket whose last attempt is still being checked, so that attempt can still complete", () => {
    const { state } = admitAttempt(stored({ attemptsLeft: 1 }), "tn_a", "last", NOW);
    expect(state).toMatchObject({ attemptsLeft: 0, pending: ["last"] });
    expect(canComplete(state ?? undefined, "last", NOW)).toBe(true);
  });

  it("completes only an admitted attempt of a live ticket (a forged or late completion)", () => {
    const live = stored({ pending: ["real"] });
    expect(canComplete(live, "real", NOW)).toBe(true);
    expect(canComplete(live, "forged", NOW)).toBe(false);
    expect(canComplete(live, "real", live.expiresAt)).toBe(false);
    expect(canComplete(undefined, "real", NOW)).toBe(false);
  });
});
