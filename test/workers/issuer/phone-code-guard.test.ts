import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PhoneCodeGuard } from "../../../shared/adapters/durable-objects/phone-code-guard";
import { LOCKOUT_WINDOW_MS, MAX_FAILURES_PER_NETWORK, PHONE_BACKOFF_BASE_MS, PHONE_FAILURE_CEILING, type PhoneCodeState } from "../../../shared/domain/otp-policy";

const hash = (digit: string): string => digit.repeat(64);
/** A client network's key as the guard gets it: a 64-hex hash. */
const network = (label: number | string): string => Array.from(String(label).padStart(8, "0").slice(-8), (char) => char.charCodeAt(0).toString(16)).join("").padStart(64, "0");
const NET = network("a");
const reservation = (codeHash: string, requestId: string, overrides: Partial<{ ttlSeconds: number; maxAttempts: number; maxSendsPerHour: number; network: string }> = {}) => ({
  codeHash,
  network: NET,
  requestId,
  ttlSeconds: 600,
  maxAttempts: 5,
  maxSendsPerHour: 5,
  ...overrides,
});

function freshGuard(): DurableObjectStub<PhoneCodeGuard> {
  return env.PHONE_CODES.get(env.PHONE_CODES.idFromName(`test:${crypto.randomUUID()}`));
}

describe("PhoneCodeGuard (one Durable Object per tenant and phone)", () => {
  it("stores only the code's hash, with expiry and attempts", async () => {
    const stub = freshGuard();
    await runInDurableObject(stub, (guard: PhoneCodeGuard, state) => {
      expect(guard.reserve(reservation(hash("a"), "req_1")).kind).toBe("reserved");
      const stored = state.storage.kv.get<PhoneCodeState>("state");
      expect(stored?.code).toEqual({ hash: hash("a"), requestId: "req_1", expiresAt: expect.any(Number), attemptsLeft: 5 });
      expect(JSON.stringify(stored)).not.toMatch(/"code":"\d+"/);
    });
  });

  it("lets exactly one of many interleaved verifies win", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("b"), "req_1", { maxAttempts: 10 }));
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => stub.verify({ codeHash: hash("b"), network: NET })));
    expect(outcomes.filter((outcome) => outcome.kind === "verified")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === "code_expired")).toHaveLength(11);
  });

  it("replaces the code on resend, keeping the failure run", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("c"), "req_1"));
    expect(await stub.verify({ codeHash: hash("0"), network: NET })).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    await stub.reserve(reservation(hash("d"), "req_2"));
    expect(await stub.verify({ codeHash: hash("c"), network: NET })).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get<PhoneCodeState>("state")?.networks[NET]?.failures).toBe(2);
    });
    expect(await stub.verify({ codeHash: hash("d"), network: NET })).toEqual({ kind: "verified", requestId: "req_2" });
  });

  it("treats an expired code as expired", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("e"), "req_1"));
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      const stored = state.storage.kv.get<PhoneCodeState>("state");
      if (!stored?.code) throw new Error("no code stored");
      state.storage.kv.put("state", { ...stored, code: { ...stored.code, expiresAt: Date.now() - 1 } });
    });
    expect(await stub.verify({ codeHash: hash("e"), network: NET })).toEqual({ kind: "code_expired" });
  });

  it("counts sends over the hour and refuses past the limit with a retry time", async () => {
    const stub = freshGuard();
    for (let send = 1; send <= 3; send += 1) expect((await stub.reserve(reservation(hash("f"), `req_${send}`, { maxSendsPerHour: 3 }))).kind).toBe("reserved");
    const refused = await stub.reserve(reservation(hash("f"), "req_4", { maxSendsPerHour: 3 }));
    expect(refused.kind).toBe("rate_limited");
    if (refused.kind === "rate_limited") expect(refused.retryAfterMs).toBeGreaterThan(0);
  });

  it("cancel undoes a reservation: the code dies and the send is not counted", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("1"), "req_1", { maxSendsPerHour: 1 }));
    await stub.cancel("req_1");
    expect(await stub.verify({ codeHash: hash("1"), network: NET })).toEqual({ kind: "code_expired" });
    expect((await stub.reserve(reservation(hash("2"), "req_2", { maxSendsPerHour: 1 }))).kind).toBe("reserved");
  });

  it(`locks only the failing network out after ${String(MAX_FAILURES_PER_NETWORK)} consecutive failures; the owner's network still signs in`, async () => {
    const stub = freshGuard();
    const attacker = network("attacker");
    let last;
    for (let round = 0; round < 2; round += 1) {
      await stub.reserve(reservation(hash("3"), `req_${String(round)}`, { maxAttempts: 10, network: attacker }));
      for (let attempt = 0; attempt < 10; attempt += 1) last = await stub.verify({ codeHash: hash("4"), network: attacker });
    }
    expect(last).toEqual({ kind: "locked_out", scope: "network", retryAfterMs: LOCKOUT_WINDOW_MS });
    expect(await stub.reserve(reservation(hash("3"), "req_8", { network: attacker }))).toMatchObject({ kind: "rate_limited", limit: "network_locked" });
    expect((await stub.reserve(reservation(hash("5"), "req_9"))).kind).toBe("reserved");
    expect(await stub.verify({ codeHash: hash("5"), network: NET })).toEqual({ kind: "verified", requestId: "req_9" });
  });

  it("one winner under concurrency: of racing wrong codes from one network, the 20th locks it and none is counted past it", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("6"), "req_1", { maxAttempts: 10 }));
    for (let attempt = 0; attempt < 10; attempt += 1) await stub.verify({ codeHash: hash("0"), network: NET });
    await stub.reserve(reservation(hash("6"), "req_2", { maxAttempts: 10 }));
    for (let attempt = 0; attempt < 5; attempt += 1) await stub.verify({ codeHash: hash("0"), network: NET });
    const outcomes = await Promise.all(Array.from({ length: 10 }, () => stub.verify({ codeHash: hash("0"), network: NET })));
    expect(outcomes.filter((outcome) => outcome.kind === "invalid_code")).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome.kind === "locked_out" && outcome.scope === "network")).toHaveLength(6);
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get<PhoneCodeState>("state")?.networks[NET]?.failures).toBe(MAX_FAILURES_PER_NETWORK);
    });
  });

  it(`one winner under concurrency: wrong codes racing from many networks past the phone's ceiling of ${String(PHONE_FAILURE_CEILING)} lock it once, with the first back-off`, async () => {
    const stub = freshGuard();
    for (let index = 0; index < PHONE_FAILURE_CEILING - 5; index += 1) {
      if (index % 10 === 0) await stub.reserve(reservation(hash("7"), `req_${String(index)}`, { maxAttempts: 10, maxSendsPerHour: 100 }));
      await stub.verify({ codeHash: hash("0"), network: network(index) });
    }
    await stub.reserve(reservation(hash("7"), "req_race", { maxAttempts: 10, maxSendsPerHour: 100 }));
    const outcomes = await Promise.all(Array.from({ length: 12 }, (_, index) => stub.verify({ codeHash: hash("0"), network: network(`race${String(index)}`) })));
    expect(outcomes.filter((outcome) => outcome.kind === "invalid_code")).toHaveLength(4);
    expect(outcomes.filter((outcome) => outcome.kind === "locked_out" && outcome.scope === "phone")).toHaveLength(8);
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      const phone = state.storage.kv.get<PhoneCodeState>("state")?.phone;
      // The lock restarts the count: the next lock takes another full run of failures.
      expect(phone).toMatchObject({ failures: 0, lockouts: 1 });
      expect((phone?.lockedUntil ?? 0) - (phone?.lastFailureAt ?? 0)).toBe(PHONE_BACKOFF_BASE_MS);
    });
    // The owner is out too, until the back-off ends.
    expect(await stub.verify({ codeHash: hash("7"), network: NET })).toMatchObject({ kind: "locked_out", scope: "phone" });
  });

  it("keeps a lock stored before failures were counted per network", async () => {
    const stub = freshGuard();
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      state.storage.kv.put("state", { code: null, sends: [], failures: 20, lastFailureAt: Date.now(), lockedUntil: Date.now() + LOCKOUT_WINDOW_MS });
    });
    expect(await stub.verify({ codeHash: hash("8"), network: NET })).toMatchObject({ kind: "locked_out", scope: "phone" });
    expect(await stub.reserve(reservation(hash("8"), "req_1"))).toMatchObject({ kind: "rate_limited", limit: "phone_locked" });
  });

  it("a phone run stored with its count past the ceiling does not lock the owner out again at the next wrong code", async () => {
    const stub = freshGuard();
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      const now = Date.now();
      const code = { hash: hash("9"), requestId: "req_1", expiresAt: now + 600_000, attemptsLeft: 5 };
      state.storage.kv.put("state", { code, sends: [], networks: {}, phone: { failures: PHONE_FAILURE_CEILING + 20, lastFailureAt: now - PHONE_BACKOFF_BASE_MS, lockedUntil: now - 1, lockouts: 2 } });
    });
    expect(await stub.verify({ codeHash: hash("0"), network: network("attacker") })).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get<PhoneCodeState>("state")?.phone).toMatchObject({ failures: 1, lockedUntil: null, lockouts: 2 });
    });
    expect(await stub.verify({ codeHash: hash("9"), network: NET })).toEqual({ kind: "verified", requestId: "req_1" });
  });

  it("refuses malformed RPC input instead of storing it", async () => {
    const stub = freshGuard();
    const settle = (call: Promise<unknown>) => call.then(() => "resolved", () => "rejected");
    expect(await settle(stub.reserve({ ...reservation("not-a-hash", "req_1") }))).toBe("rejected");
    expect(await settle(stub.verify({ codeHash: "1234", network: NET }))).toBe("rejected");
    expect(await settle(stub.verify({ codeHash: hash("1"), network: "203.0.113.7" }))).toBe("rejected");
    expect(await settle(stub.reserve({ ...reservation(hash("1"), "req_1"), network: "203.0.113.7" }))).toBe("rejected");
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get("state")).toBeUndefined();
    });
  });

  it("deletes its state once nothing in it is live (alarm)", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("5"), "req_1"));
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      state.storage.kv.put("state", { code: null, sends: [{ at: 0, requestId: "req_1" }], networks: { [NET]: { failures: 3, lastFailureAt: 0, lockedUntil: null } }, phone: { failures: 3, lastFailureAt: 0, lockedUntil: null, lockouts: 0 } });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get("state")).toBeUndefined();
    });
  });
});
