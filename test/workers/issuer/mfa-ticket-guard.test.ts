import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { MfaTicketGuard } from "../../../shared/adapters/durable-objects/mfa-ticket-guard";
import { MfaTicketClient, mfaTicketName } from "../../../shared/adapters/durable-objects/mfa-ticket-client";
import { MFA_TOKEN_MAX_ATTEMPTS, MFA_TOKEN_TTL_SECONDS, type MfaTicket, type StoredTicket, type TicketAdmission } from "../../../shared/domain/mfa-ticket";

const tickets = new MfaTicketClient(env.MFA_TICKETS);
const LIMITS = { ttlSeconds: MFA_TOKEN_TTL_SECONDS, maxAttempts: MFA_TOKEN_MAX_ATTEMPTS };

/** A 64-hex token hash as the service makes them; random, so every test has its own object. */
function tokenHash(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function ticket(overrides: Partial<MfaTicket> = {}): MfaTicket {
  return { tenantId: "tn_one", userId: "usr_one", amr: ["pwd"], firstFactorAt: Date.now(), enrollment: false, newUser: false, ...overrides };
}

function stub(hash: string): DurableObjectStub<MfaTicketGuard> {
  return env.MFA_TICKETS.get(env.MFA_TICKETS.idFromName(mfaTicketName(hash)));
}

function stored(hash: string): Promise<StoredTicket | undefined> {
  return runInDurableObject(stub(hash), (_guard: MfaTicketGuard, state) => state.storage.kv.get<StoredTicket>("ticket"));
}

function admitted(admission: TicketAdmission): Extract<TicketAdmission, { kind: "admitted" }> {
  if (admission.kind !== "admitted") throw new Error(`expected an admitted attempt, got ${admission.kind}`);
  return admission;
}

describe("MfaTicketGuard (one object per mfa_token)", () => {
  it("names its objects by the token's hash only, never by anything that could hold the token", () => {
    expect(() => mfaTicketName("mfa_abc")).toThrow(TypeError);
    expect(mfaTicketName("a".repeat(64))).toBe(`mfa:${"a".repeat(64)}`);
  });

  it("counts an attempt before its check and reports what is left", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    const first = admitted(await tickets.attempt(hash, "tn_one"));
    expect(first.attemptsRemaining).toBe(MFA_TOKEN_MAX_ATTEMPTS - 1);
    expect(first.ticket).toEqual(ticket({ firstFactorAt: first.ticket.firstFactorAt }));
    expect((await stored(hash))?.attemptsLeft).toBe(MFA_TOKEN_MAX_ATTEMPTS - 1);
  });

  it("ends the token after five attempts: a sixth guess finds it gone", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    const remaining: number[] = [];
    for (let index = 0; index < MFA_TOKEN_MAX_ATTEMPTS; index++) remaining.push(admitted(await tickets.attempt(hash, "tn_one")).attemptsRemaining);
    expect(remaining).toEqual([4, 3, 2, 1, 0]);
    expect(await tickets.attempt(hash, "tn_one")).toEqual({ kind: "expired" });
    expect(await stored(hash)).toBeUndefined();
  });

  it("lets exactly one of racing attempts complete the ticket", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    const attempts = await Promise.all(Array.from({ length: 5 }, () => tickets.attempt(hash, "tn_one")));
    const completions = await Promise.all(attempts.map((attempt) => tickets.complete(hash, admitted(attempt).attemptId)));
    expect(completions.filter(Boolean)).toHaveLength(1);
    expect(await tickets.attempt(hash, "tn_one")).toEqual({ kind: "expired" });
  });

  it("refuses to complete with an attempt id it never admitted (a forged completion)", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    expect(await tickets.complete(hash, "0".repeat(26))).toBe(false);
    expect(admitted(await tickets.attempt(hash, "tn_one")).attemptsRemaining).toBe(4);
  });

  it("refuses a caller of another tenant and counts it against the token", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    expect(await tickets.attempt(hash, "tn_other")).toEqual({ kind: "expired" });
    expect(await tickets.peek(hash, "tn_other")).toBeNull();
    expect(admitted(await tickets.attempt(hash, "tn_one")).attemptsRemaining).toBe(3);
  });

  it("treats an expired ticket as gone, for attempts, completions and reads alike", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    const pending = admitted(await tickets.attempt(hash, "tn_one"));
    await runInDurableObject(stub(hash), (_guard: MfaTicketGuard, state) => {
      const current = state.storage.kv.get<StoredTicket>("ticket");
      if (!current) throw new Error("no ticket stored");
      state.storage.kv.put("ticket", { ...current, expiresAt: Date.now() - 1 });
    });
    expect(await tickets.complete(hash, pending.attemptId)).toBe(false);
    expect(await tickets.peek(hash, "tn_one")).toBeNull();
    expect(await tickets.attempt(hash, "tn_one")).toEqual({ kind: "expired" });
  });

  it("deletes the ticket when its alarm fires at expiry", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    const alarm = await runInDurableObject(stub(hash), (_guard: MfaTicketGuard, state) => state.storage.getAlarm());
    expect(alarm).toBeGreaterThan(Date.now() + (MFA_TOKEN_TTL_SECONDS - 10) * 1000);
    await runInDurableObject(stub(hash), (_guard: MfaTicketGuard, state) => {
      const current = state.storage.kv.get<StoredTicket>("ticket");
      if (!current) throw new Error("no ticket stored");
      state.storage.kv.put("ticket", { ...current, expiresAt: Date.now() - 1 });
    });
    expect(await runDurableObjectAlarm(stub(hash))).toBe(true);
    expect(await stored(hash)).toBeUndefined();
  });

  it("never writes a second ticket over a live one", async () => {
    const hash = tokenHash();
    await tickets.issue(hash, ticket(), LIMITS);
    await expect(tickets.issue(hash, ticket({ userId: "usr_attacker" }), LIMITS)).rejects.toThrow("already held a ticket");
    expect((await tickets.peek(hash, null))?.userId).toBe("usr_one");
  });
});
