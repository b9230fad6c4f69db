import { describe, expect, it } from "vitest";
import {
  EMPTY_PHONE_STATE,
  LOCKOUT_WINDOW_MS,
  MAX_FAILURES_PER_NETWORK,
  PHONE_BACKOFF_BASE_MS,
  PHONE_BACKOFF_MAX_MS,
  PHONE_FAILURE_CEILING,
  PHONE_RUN_MEMORY_MS,
  SEND_WINDOW_MS,
  cancelSend,
  isIdle,
  phoneBackoffMs,
  reserveSend,
  storedPhoneState,
  verifyCode,
  type PhoneCodeState,
  type SendRequest,
} from "../../../shared/domain/otp-policy";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const TTL_MS = 10 * MINUTE;

// The guard compares hashes in constant time; plain equality is enough to drive the rules.
const sameHash = (stored: string, presented: string) => stored === presented;

/** Client networks as the guard sees them (hashes in production; any string drives the rules). */
const NET = "network-a";

function send(state: PhoneCodeState, now: number, overrides: Partial<SendRequest> = {}) {
  return reserveSend(state, { codeHash: `hash@${now}`, network: NET, requestId: `req@${now}`, now, ttlMs: TTL_MS, maxAttempts: 5, maxSendsPerHour: 5, ...overrides });
}

/** A state with one live code, sent at `now`; its hash is `hash@now`. */
function withCode(now: number, overrides: Partial<SendRequest> = {}, state: PhoneCodeState = EMPTY_PHONE_STATE): PhoneCodeState {
  const result = send(state, now, overrides);
  expect(result.outcome.kind).toBe("reserved");
  return result.state;
}

/** Presents `count` wrong codes one second apart, starting at `from`, and returns the last state and outcome. */
function failRepeatedly(state: PhoneCodeState, count: number, from: number, network = NET) {
  let current = verifyCode(state, "wrong", network, from, sameHash);
  for (let index = 1; index < count; index++) current = verifyCode(current.state, "wrong", network, from + index * 1000, sameHash);
  return current;
}

describe("security constants", () => {
  it("locks a network out of a phone after 20 consecutive failures, for an hour, and counts sends over an hour", () => {
    expect(MAX_FAILURES_PER_NETWORK).toBe(20);
    expect(LOCKOUT_WINDOW_MS).toBe(3_600_000);
    expect(SEND_WINDOW_MS).toBe(3_600_000);
  });

  it("locks the phone for everyone at 100 consecutive failures (NIST SP 800-63B), backing off from 15 minutes, doubling, up to a day", () => {
    expect(PHONE_FAILURE_CEILING).toBe(100);
    expect(PHONE_BACKOFF_BASE_MS).toBe(15 * MINUTE);
    expect(PHONE_BACKOFF_MAX_MS).toBe(24 * 60 * MINUTE);
    expect(PHONE_RUN_MEMORY_MS).toBe(24 * 60 * MINUTE);
    expect([0, 1, 2, 3, 6, 7, 40].map(phoneBackoffMs)).toEqual([15, 30, 60, 120, 960, 1440, 1440].map((minutes) => minutes * MINUTE));
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
    state = verifyCode(state, "wrong", NET, T0 + 1000, sameHash).state;
    state = withCode(T0 + MINUTE, { maxAttempts: 3 }, state);
    expect(state.code?.attemptsLeft).toBe(3);

    const old = verifyCode(state, `hash@${T0}`, NET, T0 + 2 * MINUTE, sameHash);
    expect(old.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 2 });
    expect(verifyCode(old.state, `hash@${T0 + MINUTE}`, NET, T0 + 2 * MINUTE, sameHash).outcome).toEqual({ kind: "verified", requestId: `req@${T0 + MINUTE}` });
  });

  it("allows rate_limit_per_hour sends and refuses the next, saying when the oldest leaves the window", () => {
    let state = EMPTY_PHONE_STATE;
    for (const minute of [0, 10, 20]) state = withCode(T0 + minute * MINUTE, { maxSendsPerHour: 3 }, state);
    const refused = send(state, T0 + 30 * MINUTE, { maxSendsPerHour: 3 });
    expect(refused.outcome).toEqual({ kind: "rate_limited", retryAfterMs: 30 * MINUTE, limit: "phone_per_hour" });
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
    expect(send(state, T0 + SEND_WINDOW_MS - 1, { maxSendsPerHour: 2 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 1, limit: "phone_per_hour" });
    const later = send(state, T0 + SEND_WINDOW_MS, { maxSendsPerHour: 2 });
    expect(later.outcome.kind).toBe("reserved");
    expect(later.state.sends.map((entry) => entry.at)).toEqual([T0 + 30 * MINUTE, T0 + SEND_WINDOW_MS]);
    // The send at T0 + 30 min is still counted.
    expect(send(later.state, T0 + SEND_WINDOW_MS + 1, { maxSendsPerHour: 2 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 30 * MINUTE - 1, limit: "phone_per_hour" });
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
    const first = verifyCode(withCode(T0), `hash@${T0}`, NET, T0 + MINUTE, sameHash);
    expect(first.outcome).toEqual({ kind: "verified", requestId: `req@${T0}` });
    expect(first.state.code).toBeNull();
    expect(verifyCode(first.state, `hash@${T0}`, NET, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("says code_expired when there is no code", () => {
    expect(verifyCode(EMPTY_PHONE_STATE, "anything", NET, T0, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("accepts the code until the last millisecond and refuses it at its expiry", () => {
    const state = withCode(T0);
    expect(verifyCode(state, `hash@${T0}`, NET, T0 + TTL_MS - 1, sameHash).outcome.kind).toBe("verified");
    const expired = verifyCode(state, `hash@${T0}`, NET, T0 + TTL_MS, sameHash);
    expect(expired.outcome).toEqual({ kind: "code_expired" });
    expect(expired.state.code).toBeNull();
  });

  it("counts down the attempts on each wrong code", () => {
    let state = withCode(T0, { maxAttempts: 3 });
    const remaining: number[] = [];
    for (let index = 1; index <= 3; index++) {
      const result = verifyCode(state, "wrong", NET, T0 + index * 1000, sameHash);
      if (result.outcome.kind === "invalid_code") remaining.push(result.outcome.attemptsRemaining);
      state = result.state;
    }
    expect(remaining).toEqual([2, 1, 0]);
  });

  it("kills the code once its attempts are used up, even for the right code", () => {
    const spent = failRepeatedly(withCode(T0, { maxAttempts: 3 }), 3, T0 + 1000);
    expect(spent.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 0 });
    expect(verifyCode(spent.state, `hash@${T0}`, NET, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "too_many_attempts" });
  });

  it("does not let a wrong code bring back an expired one", () => {
    const state = withCode(T0);
    expect(verifyCode(state, "wrong", NET, T0 + TTL_MS + 1, sameHash).outcome).toEqual({ kind: "code_expired" });
  });

  it("passes the stored and presented hashes to the comparison, in that order", () => {
    const seen: [string, string][] = [];
    verifyCode(withCode(T0), "presented", NET, T0 + 1, (stored, presented) => {
      seen.push([stored, presented]);
      return false;
    });
    expect(seen).toEqual([[`hash@${T0}`, "presented"]]);
  });
});

describe("consecutive failures across resends", () => {
  /** Sends a fresh code (5 attempts) and presents `count` wrong codes against it from `network`, starting at `from`. */
  function sendAndFail(state: PhoneCodeState, count: number, from: number, network = NET) {
    return failRepeatedly(withCode(from, { maxSendsPerHour: 100, network }, state), count, from + 1000, network);
  }

  function nineteenFailures(from: number, network = NET, state: PhoneCodeState = EMPTY_PHONE_STATE) {
    let current = state;
    for (let round = 0; round < 3; round++) current = sendAndFail(current, 5, from + round * MINUTE, network).state;
    return sendAndFail(current, 4, from + 3 * MINUTE, network);
  }

  it("keeps counting when a new code is sent", () => {
    const result = nineteenFailures(T0);
    expect(result.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 1 });
    expect(result.state.networks[NET]).toEqual({ failures: 19, lastFailureAt: T0 + 3 * MINUTE + 4000, lockedUntil: null });
    expect(result.state.phone).toMatchObject({ failures: 19, lockedUntil: null });
  });

  it("locks the failing network out of the phone for an hour at its 20th consecutive failure", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const twentieth = verifyCode(nineteenFailures(T0).state, "wrong", NET, lockedAt, sameHash);
    expect(twentieth.outcome).toEqual({ kind: "locked_out", scope: "network", retryAfterMs: LOCKOUT_WINDOW_MS });
    expect(twentieth.state.networks[NET]?.lockedUntil).toBe(lockedAt + LOCKOUT_WINDOW_MS);
    expect(twentieth.state.phone?.lockedUntil).toBeNull();
  });

  it("refuses sends and verifies from the locked network, with the time left", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const locked = verifyCode(nineteenFailures(T0).state, "wrong", NET, lockedAt, sameHash).state;
    expect(send(locked, lockedAt + 15 * MINUTE, { maxSendsPerHour: 100 }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 45 * MINUTE, limit: "network_locked" });
    expect(verifyCode(locked, "anything", NET, lockedAt + 59 * MINUTE, sameHash).outcome).toEqual({ kind: "locked_out", scope: "network", retryAfterMs: MINUTE });
  });

  it("an attacker who locks their own network does not lock the owner out: the owner's network still sends and verifies", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const locked = verifyCode(nineteenFailures(T0, "attacker").state, "wrong", "attacker", lockedAt, sameHash).state;
    expect(locked.networks.attacker?.lockedUntil).toBe(lockedAt + LOCKOUT_WINDOW_MS);
    const sent = send(locked, lockedAt + MINUTE, { maxSendsPerHour: 100, network: "owner" });
    expect(sent.outcome.kind).toBe("reserved");
    expect(verifyCode(sent.state, `hash@${lockedAt + MINUTE}`, "owner", lockedAt + 2 * MINUTE, sameHash).outcome).toEqual({ kind: "verified", requestId: `req@${lockedAt + MINUTE}` });
  });

  it("a success clears the succeeding network's run and the phone's, but not another network's lock", () => {
    const lockedAt = T0 + 10 * MINUTE;
    let state = verifyCode(nineteenFailures(T0, "attacker").state, "wrong", "attacker", lockedAt, sameHash).state;
    state = sendAndFail(state, 3, lockedAt + MINUTE, "owner").state;
    state = withCode(lockedAt + 5 * MINUTE, { maxSendsPerHour: 100, network: "owner" }, state);
    const verified = verifyCode(state, `hash@${lockedAt + 5 * MINUTE}`, "owner", lockedAt + 6 * MINUTE, sameHash);
    expect(verified.outcome.kind).toBe("verified");
    expect(verified.state.networks.owner).toBeUndefined();
    expect(verified.state.phone).toBeNull();
    expect(verified.state.networks.attacker?.lockedUntil).toBe(lockedAt + LOCKOUT_WINDOW_MS);
  });

  it("resets the run on a success: 19 failures, a success, then 19 more do not lock", () => {
    const nineteen = nineteenFailures(T0);
    const state = withCode(T0 + 5 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    const verified = verifyCode(state, `hash@${T0 + 5 * MINUTE}`, NET, T0 + 6 * MINUTE, sameHash);
    expect(verified.outcome.kind).toBe("verified");
    const again = nineteenFailures(T0 + 7 * MINUTE, NET, verified.state);
    expect(again.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 1 });
    expect(again.state.networks[NET]?.failures).toBe(19);
  });

  it("lifts a network's lock when its hour ends, and the next failure starts a new run", () => {
    const lockedAt = T0 + 10 * MINUTE;
    const locked = verifyCode(nineteenFailures(T0).state, "wrong", NET, lockedAt, sameHash).state;
    const reopened = send(locked, lockedAt + LOCKOUT_WINDOW_MS, { maxSendsPerHour: 100 });
    expect(reopened.outcome.kind).toBe("reserved");
    const failure = verifyCode(reopened.state, "wrong", NET, lockedAt + LOCKOUT_WINDOW_MS + 1000, sameHash);
    expect(failure.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(failure.state.networks[NET]?.failures).toBe(1);
    // The phone's run goes on: it is remembered for a day.
    expect(failure.state.phone?.failures).toBe(21);
  });

  it("forgets a network's run when an hour passes after its last failure", () => {
    const nineteen = nineteenFailures(T0);
    const lastFailureAt = nineteen.state.networks[NET]?.lastFailureAt ?? Number.NaN;
    expect(lastFailureAt).toBe(T0 + 3 * MINUTE + 4000);
    const state = withCode(lastFailureAt + 55 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    const lapsed = verifyCode(state, "wrong", NET, lastFailureAt + LOCKOUT_WINDOW_MS, sameHash);
    expect(lapsed.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(lapsed.state.networks[NET]).toEqual({ failures: 1, lastFailureAt: lastFailureAt + LOCKOUT_WINDOW_MS, lockedUntil: null });
  });

  it("still locks the network when its 20th failure comes just inside the hour", () => {
    const nineteen = nineteenFailures(T0);
    const lastFailureAt = nineteen.state.networks[NET]?.lastFailureAt ?? Number.NaN;
    const state = withCode(lastFailureAt + 55 * MINUTE, { maxSendsPerHour: 100 }, nineteen.state);
    expect(verifyCode(state, "wrong", NET, lastFailureAt + LOCKOUT_WINDOW_MS - 1, sameHash).outcome).toEqual({ kind: "locked_out", scope: "network", retryAfterMs: LOCKOUT_WINDOW_MS });
  });
});

describe("the per-phone ceiling across networks", () => {
  /** `count` wrong codes, each from a network of its own, on fresh codes; the last state and outcome. */
  function failFromManyNetworks(state: PhoneCodeState, count: number, from: number) {
    let current = { state, outcome: { kind: "code_expired" } as ReturnType<typeof verifyCode>["outcome"] };
    for (let index = 0; index < count; index++) {
      const at = from + index * 1000;
      const withFreshCode = index % 5 === 0 ? withCode(at, { maxSendsPerHour: 1000, network: `net-${String(index)}` }, current.state) : current.state;
      current = verifyCode(withFreshCode, "wrong", `net-${String(index)}`, at + 1, sameHash);
    }
    return current;
  }

  it("locks the phone for everyone, and kills the code, at the 100th consecutive failure from any mix of networks", () => {
    const ninetyNine = failFromManyNetworks(EMPTY_PHONE_STATE, 99, T0);
    expect(ninetyNine.outcome.kind).toBe("invalid_code");
    const lockedAt = T0 + 200_000;
    const hundredth = verifyCode(withCode(lockedAt - 1, { maxSendsPerHour: 1000, network: "net-x" }, ninetyNine.state), "wrong", "net-x", lockedAt, sameHash);
    expect(hundredth.outcome).toEqual({ kind: "locked_out", scope: "phone", retryAfterMs: PHONE_BACKOFF_BASE_MS });
    expect(hundredth.state.code).toBeNull();
    // Everyone is out, the owner's own network too, until the back-off ends.
    expect(verifyCode(hundredth.state, "right", "owner", lockedAt + MINUTE, sameHash).outcome).toEqual({ kind: "locked_out", scope: "phone", retryAfterMs: 14 * MINUTE });
    expect(send(hundredth.state, lockedAt + MINUTE, { network: "owner" }).outcome).toEqual({ kind: "rate_limited", retryAfterMs: 14 * MINUTE, limit: "phone_locked" });
  });

  /** 99 wrong codes from many networks from `from`, then the 100th from "net-x"; its state and outcome. */
  function hundredFailures(state: PhoneCodeState, from: number) {
    const ninetyNine = failFromManyNetworks(state, 99, from);
    expect(ninetyNine.outcome.kind).toBe("invalid_code");
    const at = from + 200_000;
    return verifyCode(withCode(at - 1, { maxSendsPerHour: 1000, network: "net-x" }, ninetyNine.state), "wrong", "net-x", at, sameHash);
  }

  it("one wrong code after a phone lock lifts does not lock the owner out again", () => {
    let state = hundredFailures(EMPTY_PHONE_STATE, T0).state;
    let at = state.phone?.lockedUntil ?? Number.NaN;
    // At each unlock the attacker asks for a code and sends one wrong guess.
    for (let probe = 0; probe < 3; probe++) {
      at += MINUTE;
      const attacker = `late-${String(probe)}`;
      const guess = verifyCode(withCode(at, { maxSendsPerHour: 1000, network: attacker }, state), "wrong", attacker, at + 1, sameHash);
      expect(guess.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
      state = guess.state;
    }
    expect(state.phone).toMatchObject({ failures: 3, lockedUntil: null, lockouts: 1 });
    const owner = send(state, at + MINUTE, { maxSendsPerHour: 1000, network: "owner" });
    expect(owner.outcome.kind).toBe("reserved");
    expect(verifyCode(owner.state, `hash@${String(at + MINUTE)}`, "owner", at + MINUTE + 1, sameHash).outcome).toEqual({ kind: "verified", requestId: `req@${String(at + MINUTE)}` });
  });

  it("another 100 failures lock again, for longer", () => {
    let state = EMPTY_PHONE_STATE;
    let from = T0;
    const outcomes: ReturnType<typeof verifyCode>["outcome"][] = [];
    for (let lock = 0; lock < 3; lock++) {
      const hundredth = hundredFailures(state, from);
      outcomes.push(hundredth.outcome);
      state = hundredth.state;
      from = (state.phone?.lockedUntil ?? Number.NaN) + 1;
    }
    expect(outcomes).toEqual([1, 2, 4].map((factor) => ({ kind: "locked_out", scope: "phone", retryAfterMs: factor * PHONE_BACKOFF_BASE_MS })));
    expect(state.phone).toMatchObject({ failures: 0, lockouts: 3 });
  });

  it("a success by the owner after the lock resets the ceiling and the back-off", () => {
    const ninetyNine = failFromManyNetworks(EMPTY_PHONE_STATE, 99, T0);
    const locked = verifyCode(withCode(T0 + 200_000, { maxSendsPerHour: 1000, network: "net-x" }, ninetyNine.state), "wrong", "net-x", T0 + 200_001, sameHash).state;
    const after = (locked.phone?.lockedUntil ?? Number.NaN) + 1;
    const verified = verifyCode(withCode(after, { maxSendsPerHour: 1000, network: "owner" }, locked), `hash@${after}`, "owner", after + 1, sameHash);
    expect(verified.outcome.kind).toBe("verified");
    expect(verified.state.phone).toBeNull();
    const nextFailure = verifyCode(withCode(after + 2, { maxSendsPerHour: 1000, network: "net-y" }, verified.state), "wrong", "net-y", after + 3, sameHash);
    expect(nextFailure.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
  });

  it("forgets the phone's run a day after its last failure or lock", () => {
    const ninetyNine = failFromManyNetworks(EMPTY_PHONE_STATE, 99, T0);
    const last = ninetyNine.state.phone?.lastFailureAt ?? Number.NaN;
    const later = last + PHONE_RUN_MEMORY_MS;
    const failure = verifyCode(withCode(later - 1, { maxSendsPerHour: 1000, network: "net-x" }, ninetyNine.state), "wrong", "net-x", later, sameHash);
    expect(failure.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(failure.state.phone?.failures).toBe(1);
  });
});

describe("stored state", () => {
  it("carries a phone-wide run stored before per-network runs over, lock included", () => {
    const legacy = { code: null, sends: [{ at: T0, requestId: "req_1" }], failures: 20, lastFailureAt: T0, lockedUntil: T0 + LOCKOUT_WINDOW_MS };
    const state = storedPhoneState(legacy);
    expect(state).toEqual({ code: null, sends: legacy.sends, networks: {}, phone: { failures: 20, lastFailureAt: T0, lockedUntil: T0 + LOCKOUT_WINDOW_MS, lockouts: 1 } });
    expect(verifyCode(state, "x", NET, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "locked_out", scope: "phone", retryAfterMs: LOCKOUT_WINDOW_MS - MINUTE });
    expect(storedPhoneState(undefined)).toEqual(EMPTY_PHONE_STATE);
  });

  it("a phone run stored with its count past the ceiling does not lock the owner out again at the next wrong code", () => {
    const stored = { code: null, sends: [], networks: {}, phone: { failures: 137, lastFailureAt: T0, lockedUntil: T0 + 2 * PHONE_BACKOFF_BASE_MS, lockouts: 2 } };
    const state = storedPhoneState(stored);
    expect(state.phone).toEqual({ failures: 0, lastFailureAt: T0, lockedUntil: T0 + 2 * PHONE_BACKOFF_BASE_MS, lockouts: 2 });
    expect(verifyCode(state, "x", NET, T0 + MINUTE, sameHash).outcome).toEqual({ kind: "locked_out", scope: "phone", retryAfterMs: 2 * PHONE_BACKOFF_BASE_MS - MINUTE });
    const after = T0 + 2 * PHONE_BACKOFF_BASE_MS;
    const guess = verifyCode(withCode(after, { maxSendsPerHour: 100 }, state), "wrong", NET, after + 1, sameHash);
    expect(guess.outcome).toEqual({ kind: "invalid_code", attemptsRemaining: 4 });
    expect(guess.state.phone).toMatchObject({ failures: 1, lockouts: 2 });
  });

  it("is idle only when no code, send, run or lock in it is live", () => {
    const locked = verifyCode(nineteenAt(T0), "wrong", NET, T0 + 10 * MINUTE, sameHash).state;
    expect(isIdle(locked, T0 + 10 * MINUTE + LOCKOUT_WINDOW_MS - 1)).toBe(false);
    // The network's lock is over, but the phone's run is remembered for a day.
    expect(isIdle(locked, T0 + 10 * MINUTE + LOCKOUT_WINDOW_MS)).toBe(false);
    expect(isIdle(locked, T0 + 10 * MINUTE + PHONE_RUN_MEMORY_MS)).toBe(true);
    expect(isIdle(EMPTY_PHONE_STATE, T0)).toBe(true);
  });

  function nineteenAt(from: number): PhoneCodeState {
    let state = EMPTY_PHONE_STATE;
    for (let round = 0; round < 4; round++) state = failRepeatedly(withCode(from + round * MINUTE, { maxSendsPerHour: 100 }, state), round < 3 ? 5 : 4, from + round * MINUTE + 1000).state;
    return state;
  }
});
