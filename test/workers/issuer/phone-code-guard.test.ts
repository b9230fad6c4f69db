import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { PhoneCodeGuard } from "../../../shared/adapters/durable-objects/phone-code-guard";
import { MAX_CONSECUTIVE_FAILURES, type PhoneCodeState } from "../../../shared/domain/otp-policy";

const hash = (digit: string): string => digit.repeat(64);
const reservation = (codeHash: string, requestId: string, overrides: Partial<{ ttlSeconds: number; maxAttempts: number; maxSendsPerHour: number }> = {}) => ({
  codeHash,
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
    const outcomes = await Promise.all(Array.from({ length: 12 }, () => stub.verify(hash("b"))));
    expect(outcomes.filter((outcome) => outcome.kind === "verified")).toHaveLength(1);
    expect(outcomes.filter((outcome) => outcome.kind === "code_expired")).toHaveLength(11);
  });

  it("replaces the code on resend, keeping the failure run", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("c"), "req_1"));
    expect(await stub.verify(hash("0"))).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    await stub.reserve(reservation(hash("d"), "req_2"));
    expect(await stub.verify(hash("c"))).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get<PhoneCodeState>("state")?.failures).toBe(2);
    });
    expect(await stub.verify(hash("d"))).toEqual({ kind: "verified", requestId: "req_2" });
  });

  it("treats an expired code as expired", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("e"), "req_1"));
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      const stored = state.storage.kv.get<PhoneCodeState>("state");
      if (!stored?.code) throw new Error("no code stored");
      state.storage.kv.put("state", { ...stored, code: { ...stored.code, expiresAt: Date.now() - 1 } });
    });
    expect(await stub.verify(hash("e"))).toEqual({ kind: "code_expired" });
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
    expect(await stub.verify(hash("1"))).toEqual({ kind: "code_expired" });
    expect((await stub.reserve(reservation(hash("2"), "req_2", { maxSendsPerHour: 1 }))).kind).toBe("reserved");
  });

  it(`locks the phone after ${MAX_CONSECUTIVE_FAILURES} consecutive failures`, async () => {
    const stub = freshGuard();
    let last;
    for (let round = 0; round < 2; round += 1) {
      await stub.reserve(reservation(hash("3"), `req_${round}`, { maxAttempts: 10 }));
      for (let attempt = 0; attempt < 10; attempt += 1) last = await stub.verify(hash("4"));
    }
    expect(last).toEqual({ kind: "too_many_attempts", retryAfterMs: expect.any(Number) });
    expect((await stub.reserve(reservation(hash("3"), "req_9", { maxAttempts: 10 }))).kind).toBe("rate_limited");
  });

  it("refuses malformed RPC input instead of storing it", async () => {
    const stub = freshGuard();
    const settle = (call: Promise<unknown>) => call.then(() => "resolved", () => "rejected");
    expect(await settle(stub.reserve({ ...reservation("not-a-hash", "req_1") }))).toBe("rejected");
    expect(await settle(stub.verify("1234"))).toBe("rejected");
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get("state")).toBeUndefined();
    });
  });

  it("deletes its state once nothing in it is live (alarm)", async () => {
    const stub = freshGuard();
    await stub.reserve(reservation(hash("5"), "req_1"));
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      state.storage.kv.put("state", { code: null, sends: [{ at: 0, requestId: "req_1" }], failures: 0, lastFailureAt: null, lockedUntil: null });
    });
    expect(await runDurableObjectAlarm(stub)).toBe(true);
    await runInDurableObject(stub, (_guard: PhoneCodeGuard, state) => {
      expect(state.storage.kv.get("state")).toBeUndefined();
    });
  });
});
