import { describe, expect, it } from "vitest";
import {
  EMPTY_PHONE_STATE,
  LOCKOUT_WINDOW_MS,
  MAX_CONSECUTIVE_FAILURES,
  SEND_WINDOW_MS,
  cancelSend,
  reserveSend,
  verifyCode,
  type PhoneCodeState,
  type SendRequest,
} from "../../../shared/domain/otp-policy";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const TTL_MS = 10 * MINUTE;

// The guard compares hashes in constant time; plain equality is enough to drive the rules.
const sameHash = (stored: string, presented: string) => stored === presented;

function send(state: PhoneCodeState, now: number, overrides: Partial<SendRequest> = {}) {
  return reserveSend(state, { codeHash: `hash@${now}`, requestId: `req@${now}`, now, ttlMs: TTL_MS, maxAttempts: 5, maxSendsPerHour: 5, ...overrides });
}

/** A state with one live code, sent at `now`; its hash is `hash@now`. */
function withCode(now: number, overrides: Partial<SendRequest> = {}, state: PhoneCodeState = EMPTY_PHONE_STATE): PhoneCodeState {
  const result = send(state, now, overrides);
  expect(result.outcome.kind).toBe("reserved");
  return result.state;
}

/** Presents `count` wrong codes one second apart, starting at `from`, and returns the last state and outcome. */
function failRepeatedly(state: PhoneCodeState, count: number, from: number) {
  let current = verifyCode(state, "wrong", from, sameHash);
  for (let index = 1; index < count; index++) current = verifyCode(current.state, "wrong", from + index * 1000, sameHash);
  return current;
}

describe("security constants", () => {
  it("locks after 20 consecutive failures, for an hour, and counts sends over an hour", () => {
    expect(MAX_CONSECUTIVE_FAILURES).toBe(20);
    expect(LOCKOUT_WINDOW_MS).toBe(3_600_000);
    expect(SEND_WINDOW_MS).toBe(3_600_000);
  });
});

describe("reserveSend", () => {
  it("installs the code with its expiry and the full number of attempts", () => {
    const { state, outcome } = send(EMPTY_PHONE_STATE, T0, { maxAttempts: 3 });
    expect(outcome).toEqual({ kind: "reserved", expiresAt: T0 + TTL_MS });
    expect(state.code).toEqual({ hash: `hash@${T0}`, requestId: `req@${T0}`, expiresAt: T0 + TTL_MS, attemptsLeft: 3 });
    expect(state.sends).toEqual([{ at: T0, requestId: `req@${T0}` }]);
  });

  it("replaces the earlier code on resend: the old one stops working, the new one gets fresh attempts", () => {
    let state = withCode(T0, { maxAttempts: 3 });
    state = verifyCode(state, "wrong", T0 + 1000, sameHash).state;
    state = withCode(T0 + MINUTE, { maxAttempts: 3 }, state);
    expect(state.code?.attemptsLeft).toBe(3);

    const old = verifyCode(state, `hash@${T0}`, T0 + 2 * MINUTE, sameHash);
    expect(old.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 2 });
    expect(verifyCode(old.state, `hash@${T0 + MINUTE}`, T0 + 2 * MINUTE, sameHash).outcome).toEqual({ kind: "verified", requestId: `req@${T0 + MINUTE}` });
  });

  it("allows rate_limit_per_hour sends and refuses the next, saying when the oldest leaves the window", () => {
    let state = EMPTY_PHONE_STATE;
    for (const minute of [0, 10, 20]) state = withCode(T0 + minute * MINUTE, { maxSendsPerHour: 3 }, state);
    const refused = send(state, T0 + 30 * MINUTE, { maxSendsPerHour: 3 });
    expect(refused.outcome).toEqual({ kind: "rate_limited", retryAfterMs: 30 * MINUTE });
  });

  it("keeps the live code when a send is refused", () => {
    let state = withCode(T0, { maxSendsPerHour: 1 });
    const refused = send(state, T0 + MINUTE, { maxSendsPerHour: 1 });
    expect(refused.outcome.kind).toBe("rate_limited");
    state = refused.state;
    expect(state.code?.hash).toBe(`hash@${T0}`);
    expect(state.sends).toHaveLength(1);
  });

  it("counts over a rolling hour: the oldest send frees its slot exactly an hour later", () => {
    let state = withCode(T0, { maxSendsPerHour: 2 });
    state = withCode(T0 + 30 * MINUTE, { maxSendsPerHour: 2 }, state);
    expect(send(state, T0 + SEND_WINDOW_MS - 1, { maxSendsPerHour: 2 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 1 });
    const later = send(state, T0 + SEND_WINDOW_MS, { maxSendsPerHour: 2 });
    expect(later.outcome.kind).toBe("reserved");
    expect(later.state.sends.map((entry) => entry.at)).toEqual([T0 + 30 * MINUTE, T0 + SEND_WINDOW_MS]);
    // The send at T0 + 30 min is still counted.
    expect(send(later.state, T0 + SEND_WINDOW_MS + 1, { maxSendsPerHour: 2 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 30 * MINUTE - 1 });
  });

  it("follows the tenant's limit from one call to the next", () => {
    let state = EMPTY_PHONE_STATE;
    for (let index = 0; index < 5; index++) state = withCode(T0 + index * MINUTE, {}, state);
    expect(send(state, T0 + 5 * MINUTE, { maxSendsPerHour: 5 }).outcome.kind).toBe("rate_limited");
    expect(send(state, T0 + 5 * MINUTE, { maxSendsPerHour: 6 }).outcome.kind).toBe("reserved");
  });
});

describe("cancelSend", () => {
  it("kills the code and uncounts the send when the SMS could not go out", () => {
    const state = cancelSend(withCode(T0, { maxSendsPerHour: 1 }), `req@${T0}`);
    expect(state.code).toBeNull();
    expect(state.sends).toEqual([]);
    expect(send(state, T0 + 1, { maxSendsPerHour: 1 }).outcome.kind).toBe("reserved");
  });

  it("leaves a newer code alone when an older request is cancelled late", () => {
    let state = withCode(T0);
    state = withCode(T0 + MINUTE, {}, state);
    state = cancelSend(state, `req@${T0}`);
    expect(state.code?.requestId).toBe(`req@${T0 + MINUTE}`);
    expect(state.sends).toEqual([{ at: T0 + MINUTE, requestId: `req@${T0 + MINUTE}` }]);
  });

  it("changes nothing for an unknown request", () => {
    const state = withCode(T0);
    expect(cancelSend(state, "req_unknown")).toEqual(state);
  });
});

describe("verifyCode", () => {
  it("verifies the right code once and then forgets it", () => {
    const first = verifyCode(withCode(T0), `hash@${T0}`, T0 + MINUTE, sameHash);
    expect(first.outcome).toEqual({ kind: "verified", requestId: `req@${T0}` });
    expect(first.state.code).toBeNull();
    expect(verifyCode(first.state, `hash@${T0}`, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("says code_expired when there is no code", () => {
    expect(verifyCode(EMPTY_PHONE_STATE, "anything", T0, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("accepts the code until the last millisecond and refuses it at its expiry", () => {
    const state = withCode(T0);
    expect(verifyCode(state, `hash@${T0}`, T0 + TTL_MS - 1, sameHash).outcome.kind).toBe("verified");
    const expired = verifyCode(state, `hash@${T0}`, T0 + TTL_MS, sameHash);
    expect(expired.outcome).toEqual({ kind: "code_expired" });
    expect(expired.state.code).toBeNull();
  });

  it("counts down the attempts on each wrong code", () => {
    let state = withCode(T0, { maxAttempts: 3 });
    const remaining: number[] = [];
    for (let index = 1; index <= 3; index++) {
      const result = verifyCode(state, "wrong", T0 + index * 1000, sameHash);
      if (result.outcome.kind === "invalid_code") remaining.push(result.outcome.attemptsRemaining);
      state = result.state;
    }
    expect(remaining).toEqual([2, 1, 0]);
  });

  it("kills the code once its attempts are used up, even for the right code", () => {
    const spent = failRepeatedly(withCode(T0, { maxAttempts: 3 }), 3, T0 + 1000);
    expect(spent.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 0 });
    expect(verifyCode(spent.state, `hash@${T0}`, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "too_many_attempts", retryAfterMs: null });
  });

  it("does not let a wrong code bring back an expired one", () => {
    const state = withCode(T0);
    expect(verifyCode(state, "wrong", T0 + TTL_MS + 1, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("passes the stored and presented hashes to the comparison, in that order", () => {
    const seen: [string, string][] = [];
    verifyCode(withCode(T0), "presented", T0 + 1, (stored, presented) => {
      seen.push([stored, presented]);
      return false;
    });
    expect(seen).toEqual([[`hash@${T0}`, "presented"]]);
  });
});

describe("consecutive failures across resends", () => {
  /** Sends a fresh code (5 attempts) and presents `count` wrong codes against it, starting at `from`. */
  function sendAndFail(state: PhoneCodeState, count: number, from: number) {
    return failRepeatedly(withCode(from, { maxSendsPerHour: 100 }, state), count, from + 1000);
  }

  function nineteenFailures(from: number) {
    let state = EMPTY_PHONE_STATE;
    for (let round = 0; round < 3; round++) state = sendAndFail(state, 5, from + round * MINUTE).state;
    return sendAndFail(state, 4, from + 3 * MINUTE);
  }

  it("keeps counting when a new code is sent", () => {
    const result = nineteenFailures(T0);
    expect(result.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 1 });
    expect(result.state.failures).toBe(19);
    expect(result.state.lockedUntil).toBeNull();
  });

  it("locks the phone for an hour at the 20th consecutive failure and kills the code", () => {
    const nineteen = nineteenFailures(T0);
    const lockedAt = T0 + 10 * MINUTE;
    const twentieth = verifyCode(nineteen.state, "wrong", lockedAt, sameHash);
    expect(twentieth.outcome).toEqual({ kind: "too_many_attempts", retryAfterMs: LOCKOUT_WINDOW_MS });
    expect(twentieth.state.code).toBeNull();
    expect(twentieth.state.lockedUntil).toBe(lockedAt + LOCKOUT_WINDOW_MS);
  });

  it("refuses sends and verifies while locked, with the time left", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const locked = verifyCode(nineteenFailures(T0).state, "wrong", lockedAt, sameHash).state;
    expect(send(locked, lockedAt + 15 * MINUTE, { maxSendsPerHour: 100 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 45 * MINUTE });
    expect(verifyCode(locked, "anything", lockedAt + 59 * MINUTE, sameHash).outcome).toEqual({ kind: "too_many_attempts", retryAfterMs: MINUTE });
  });

  it("lifts the lock when the hour ends, and the next failure starts a new run", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const locked = verifyCode(nineteenFailures(T0).state, "wrong", lockedAt, sameHash).state;
    const reopened = send(locked, lockedAt + LOCKOUT_WINDOW_MS, { maxSendsPerHour: 100 });
    expect(reopened.outcome.kind).toBe("reserved");
    const failure = verifyCode(reopened.state, "wrong", lockedAt + LOCKOUT_WINDOW_MS + 1000, sameHash);
    expect(failure.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(failure.state.failures).toBe(1);
  });

  it("resets the run on a success", () => {
    const nineteen = nineteenFailures(T0);
    let state = withCode(T0 + 5 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    const verified = verifyCode(state, `hash@${T0 + 5 * MINUTE}`, T0 + 6 * MINUTE, sameHash);
    expect(verified.outcome.kind).toBe("verified");
    expect(verified.state).toMatchObject({ failures: 0, lastFailureAt: null, lockedUntil: null });
    state = withCode(T0 + 7 * MINUTE, { maxSendsPerHour: 100 }, verified.state);
    expect(verifyCode(state, "wrong", T0 + 8 * MINUTE, sameHash).state.failures).toBe(1);
  });

  it("forgets a run when an hour passes after its last failure", () => {
    const nineteen = nineteenFailures(T0);
    const lastFailureAt = nineteen.state.lastFailureAt ?? Number.NaN;
    expect(lastFailureAt).toBe(T0 + 3 * MINUTE + 4000);
    const state = withCode(lastFailureAt + 55 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    const lapsed = verifyCode(state, "wrong", lastFailureAt + LOCKOUT_WINDOW_MS, sameHash);
    expect(lapsed.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(lapsed.state.failures).toBe(1);
    expect(lapsed.state.lockedUntil).toBeNull();
  });

  it("still locks when the 20th failure comes just inside the hour", () => {
    const nineteen = nineteenFailures(T0);
    const lastFailureAt = nineteen.state.lastFailureAt ?? Number.NaN;
    const state = withCode(lastFailureAt + 55 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    expect(verifyCode(state, "wrong", lastFailureAt + LOCKOUT_WINDOW_MS - 1, sameHash).outcome).toEqual({ kind: "too_many_attempts", retryAfterMs: LOCKOUT_WINDOW_MS });
  });
});
