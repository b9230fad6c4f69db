import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
  ACCOUNT_FAILURE_CEILING,
  ACCOUNT_NETWORK_FAILURE_LIMIT,
  EMPTY_ACCOUNT_STATE,
  EMPTY_NETWORK_STATE,
  LOCK_BASE_MS,
  LOCK_MAX_MS,
  MAX_TRACKED_NETWORKS,
  NETWORK_FAILURE_LIMIT,
  NETWORK_LOCK_MEMORY_MS,
  NETWORK_WINDOW_MS,
  RUN_MEMORY_MS,
  accountAttemptSucceeded,
  admitAccountAttempt,
  admitNetworkAttempt,
  isAccountIdle,
  isNetworkIdle,
  lockMs,
  networkAttemptSucceeded,
  type AccountThrottleState,
  type NetworkThrottleState,
  type ThrottleDecision,
} from "../../../shared/domain/login-throttle";

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const MINUTE = 60_000;
const OWNER = "owner-network";
const ATTACKER = "attacker-network";

/** `count` attempts on the account from `network`, one second apart from `from`; returns the last state and decision. */
function failOnAccount(state: AccountThrottleState, count: number, from: number, network = ATTACKER) {
  let current: { state: AccountThrottleState; decision: ThrottleDecision } = { state, decision: { kind: "admitted" } };
  for (let index = 0; index < count; index++) current = admitAccountAttempt(current.state, network, from + index * 1000);
  return current;
}

/** `count` attempts from the network, ids `a0`, `a1`, …, one second apart from `from`. */
function failOnNetwork(state: NetworkThrottleState, count: number, from: number, prefix = "a") {
  let current: { state: NetworkThrottleState; decision: ThrottleDecision } = { state, decision: { kind: "admitted" } };
  for (let index = 0; index < count; index++) current = admitNetworkAttempt(current.state, `${prefix}${String(index)}`, from + index * 1000);
  return current;
}

describe("security constants", () => {
  it("locks a network out of an account after 5 failures in a row, and the account for everyone after 100 (NIST SP 800-63B)", () => {
    expect(ACCOUNT_NETWORK_FAILURE_LIMIT).toBe(5);
    expect(ACCOUNT_FAILURE_CEILING).toBe(100);
    expect(NETWORK_FAILURE_LIMIT).toBe(30);
    expect(NETWORK_WINDOW_MS).toBe(15 * MINUTE);
  });

  it("grows a lock from 1 minute, doubling, and never past 15 minutes", () => {
    expect(LOCK_BASE_MS).toBe(MINUTE);
    expect(LOCK_MAX_MS).toBe(15 * MINUTE);
    expect([0, 1, 2, 3, 4, 5, 40, 10_000].map(lockMs)).toEqual([1, 2, 4, 8, 15, 15, 15, 15].map((minutes) => minutes * MINUTE));
  });
});

describe("per account", () => {
  it("admits the first 5 attempts from a network and locks that network out of the account for a minute at the 5th", () => {
    const fourth = failOnAccount(EMPTY_ACCOUNT_STATE, 4, T0);
    expect(fourth.decision).toEqual({ kind: "admitted" });
    expect(fourth.state.networks[ATTACKER]?.lockedUntil).toBeNull();
    const fifth = admitAccountAttempt(fourth.state, ATTACKER, T0 + 4000);
    expect(fifth.decision).toEqual({ kind: "admitted" });
    expect(fifth.state.networks[ATTACKER]?.lockedUntil).toBe(T0 + 4000 + MINUTE);
    expect(admitAccountAttempt(fifth.state, ATTACKER, T0 + 5000).decision).toEqual({ kind: "locked", scope: "network", retryAfterMs: MINUTE - 1000 });
  });

  it("an attacker's address locks only itself: the owner's network is still admitted", () => {
    const { state } = failOnAccount(EMPTY_ACCOUNT_STATE, 5, T0);
    expect(admitAccountAttempt(state, ATTACKER, T0 + 10_000).decision.kind).toBe("locked");
    expect(admitAccountAttempt(state, OWNER, T0 + 10_000).decision).toEqual({ kind: "admitted" });
  });

  it("a refused attempt is not counted: hammering a locked network does not grow its lock", () => {
    const { state } = failOnAccount(EMPTY_ACCOUNT_STATE, 5, T0);
    let current = state;
    for (let second = 5; second < 50; second++) current = admitAccountAttempt(current, ATTACKER, T0 + second * 1000).state;
    expect(current.networks[ATTACKER]).toEqual(state.networks[ATTACKER]);
    expect(current.account?.failures).toBe(5);
  });

  it("each failure after a lock lifts locks the network again, twice as long, up to 15 minutes", () => {
    let { state } = failOnAccount(EMPTY_ACCOUNT_STATE, 5, T0);
    let now = T0 + 4000;
    const locks: number[] = [];
    for (let round = 0; round < 6; round++) {
      const lockedUntil = state.networks[ATTACKER]?.lockedUntil ?? 0;
      locks.push(lockedUntil - now);
      now = lockedUntil;
      const next = admitAccountAttempt(state, ATTACKER, now);
      expect(next.decision).toEqual({ kind: "admitted" });
      state = next.state;
    }
    expect(locks).toEqual([1, 2, 4, 8, 15, 15].map((minutes) => minutes * MINUTE));
  });

  it(`a distributed guesser reaches the account-wide ceiling of ${String(ACCOUNT_FAILURE_CEILING)} and the account locks for everyone, the owner too`, () => {
    let state = EMPTY_ACCOUNT_STATE;
    for (let index = 0; index < ACCOUNT_FAILURE_CEILING; index++) {
      const next = admitAccountAttempt(state, `bot-${String(index % 25)}`, T0 + index * 100);
      expect(next.decision).toEqual({ kind: "admitted" });
      state = next.state;
    }
    const lastAt = T0 + (ACCOUNT_FAILURE_CEILING - 1) * 100;
    expect(state.account).toEqual({ failures: ACCOUNT_FAILURE_CEILING, lastFailureAt: lastAt, lockedUntil: lastAt + MINUTE });
    expect(admitAccountAttempt(state, OWNER, lastAt + 1).decision).toEqual({ kind: "locked", scope: "account", retryAfterMs: MINUTE - 1 });
    expect(admitAccountAttempt(state, "bot-new", lastAt + 1).decision).toEqual({ kind: "locked", scope: "account", retryAfterMs: MINUTE - 1 });
    // Past the ceiling, every failure locks the account again for twice as long.
    const after = admitAccountAttempt(state, "bot-new", lastAt + MINUTE);
    expect(after.decision).toEqual({ kind: "admitted" });
    expect(after.state.account?.lockedUntil).toBe(lastAt + MINUTE + 2 * MINUTE);
  });

  it("the right password while the account is locked is still refused: admission comes before the password", () => {
    let state = EMPTY_ACCOUNT_STATE;
    for (let index = 0; index < ACCOUNT_FAILURE_CEILING; index++) state = admitAccountAttempt(state, `bot-${String(index)}`, T0).state;
    expect(admitAccountAttempt(state, OWNER, T0 + 1).decision.kind).toBe("locked");
  });

  it("a right password ends its network's run and the account's run, with their locks", () => {
    let state = failOnAccount(EMPTY_ACCOUNT_STATE, 3, T0, OWNER).state;
    state = failOnAccount(state, 5, T0).state;
    state = accountAttemptSucceeded(state, OWNER, T0 + 10_000);
    expect(state.networks[OWNER]).toBeUndefined();
    expect(state.account).toBeNull();
    // Another network's run and lock are not the owner's to lift.
    expect(state.networks[ATTACKER]?.failures).toBe(5);
    expect(admitAccountAttempt(state, ATTACKER, T0 + 10_000).decision.kind).toBe("locked");
  });

  it("a run is forgotten a day after its last failure or lock, and then the state is idle", () => {
    const { state } = failOnAccount(EMPTY_ACCOUNT_STATE, 5, T0);
    const lockEnd = state.networks[ATTACKER]?.lockedUntil ?? 0;
    expect(isAccountIdle(state, lockEnd + RUN_MEMORY_MS - 1)).toBe(false);
    expect(isAccountIdle(state, lockEnd + RUN_MEMORY_MS)).toBe(true);
    const later = admitAccountAttempt(state, ATTACKER, lockEnd + RUN_MEMORY_MS);
    expect(later.state.networks[ATTACKER]).toEqual({ failures: 1, lastFailureAt: lockEnd + RUN_MEMORY_MS, lockedUntil: null });
  });

  it(`a guesser with endless networks cannot grow an account's state past ${String(MAX_TRACKED_NETWORKS)} runs: the oldest are dropped`, () => {
    let state = EMPTY_ACCOUNT_STATE;
    for (let index = 0; index < MAX_TRACKED_NETWORKS + 50; index++) {
      state = admitAccountAttempt(state, `bot-${String(index)}`, T0 + index * 1000).state;
      if (index % 90 === 0) state = accountAttemptSucceeded(state, OWNER, T0 + index * 1000);
    }
    expect(Object.keys(state.networks)).toHaveLength(MAX_TRACKED_NETWORKS);
    expect(state.networks["bot-0"]).toBeUndefined();
    expect(state.networks[`bot-${String(MAX_TRACKED_NETWORKS + 49)}`]).toBeDefined();
  });
});

describe("per client network, across accounts", () => {
  it(`credential stuffing: ${String(NETWORK_FAILURE_LIMIT)} failures within 15 minutes lock the network for a minute`, () => {
    const { state, decision } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT, T0);
    expect(decision).toEqual({ kind: "admitted" });
    const lastAt = T0 + (NETWORK_FAILURE_LIMIT - 1) * 1000;
    expect(state.lockedUntil).toBe(lastAt + MINUTE);
    expect(admitNetworkAttempt(state, "b0", lastAt + 1000).decision).toEqual({ kind: "locked", scope: "network", retryAfterMs: MINUTE - 1000 });
  });

  it("failures older than the window do not count", () => {
    const early = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT - 1, T0).state;
    const { state } = failOnNetwork(early, 5, T0 + NETWORK_WINDOW_MS + MINUTE, "b");
    expect(state.lockedUntil).toBeNull();
    expect(state.failures).toHaveLength(5);
  });

  it("while the window is still full, each failure after a lock lifts locks again for twice as long; a refill gets the next lock, at most 15 minutes", () => {
    let { state } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT, T0);
    const locks: number[] = [];
    let now = T0 + (NETWORK_FAILURE_LIMIT - 1) * 1000;
    for (let round = 0; round < 4; round++) {
      locks.push((state.lockedUntil ?? 0) - now);
      now = state.lockedUntil ?? 0;
      state = admitNetworkAttempt(state, `late${String(round)}`, now).state;
    }
    expect(locks).toEqual([1, 2, 4, 8].map((minutes) => minutes * MINUTE));
    // By now the first failures have left the window; filling it again locks for the next, capped, length.
    now = state.lockedUntil ?? 0;
    const refilled = failOnNetwork(state, NETWORK_FAILURE_LIMIT - state.failures.filter((failure) => failure.at > now - NETWORK_WINDOW_MS).length, now, "refill");
    const lastAt = refilled.state.failures.at(-1)?.at ?? 0;
    expect((refilled.state.lockedUntil ?? 0) - lastAt).toBe(15 * MINUTE);
  });

  it("a stuffer who owns one account cannot wipe the network's count by signing in to it", () => {
    const { state } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT - 2, T0);
    const own = admitNetworkAttempt(state, "own", T0 + MINUTE);
    const afterSignIn = networkAttemptSucceeded(own.state, "own", T0 + MINUTE);
    expect(afterSignIn.failures).toHaveLength(NETWORK_FAILURE_LIMIT - 2);
    const next = failOnNetwork(afterSignIn, 2, T0 + 2 * MINUTE, "more");
    expect(next.state.lockedUntil).toBe(T0 + 2 * MINUTE + 1000 + MINUTE);
  });

  it("a right password that was the attempt setting the lock lifts it: it was not a failure", () => {
    const { state } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT, T0);
    const lastId = `a${String(NETWORK_FAILURE_LIMIT - 1)}`;
    const lifted = networkAttemptSucceeded(state, lastId, T0 + 40_000);
    expect(lifted).toEqual({ failures: state.failures.slice(0, -1), lockedUntil: null, lockedBy: null, lockouts: 0 });
    expect(admitNetworkAttempt(lifted, "next", T0 + 41_000).decision).toEqual({ kind: "admitted" });
  });

  it("a right password from another attempt leaves the lock in place", () => {
    const { state } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT, T0);
    const after = networkAttemptSucceeded(state, "a3", T0 + 40_000);
    expect(after.lockedUntil).toBe(state.lockedUntil);
    expect(admitNetworkAttempt(after, "next", T0 + 41_000).decision.kind).toBe("locked");
  });

  it("the growing lock is forgotten a day after the last one ended, and then the state is idle", () => {
    const { state } = failOnNetwork(EMPTY_NETWORK_STATE, NETWORK_FAILURE_LIMIT, T0);
    const lockEnd = state.lockedUntil ?? 0;
    expect(isNetworkIdle(state, lockEnd + NETWORK_LOCK_MEMORY_MS - 1)).toBe(false);
    expect(isNetworkIdle(state, lockEnd + NETWORK_LOCK_MEMORY_MS)).toBe(true);
    const again = failOnNetwork(state, NETWORK_FAILURE_LIMIT, lockEnd + NETWORK_LOCK_MEMORY_MS, "b").state;
    expect(again.lockouts).toBe(1);
  });
});

/** Events of one instant or one short span: who tries, and whether the attempt (if admitted) turns out right. */
const accountEvents = fc.array(fc.record({ network: fc.integer({ min: 0, max: 7 }), right: fc.boolean(), offsetMs: fc.integer({ min: 0, max: 500 }) }), { maxLength: 300 });

describe("properties", () => {
  it("within less than a minute, no interleaving admits more than 5 wrong guesses from a network or 100 on the account since their last success", () => {
    fc.assert(
      fc.property(accountEvents, (events) => {
        let state = EMPTY_ACCOUNT_STATE;
        let now = T0;
        const sinceSuccess = new Map<number, number>();
        let accountSinceSuccess = 0;
        for (const event of events) {
          now = Math.min(now + event.offsetMs, T0 + LOCK_BASE_MS - 1);
          const key = `net-${String(event.network)}`;
          const result = admitAccountAttempt(state, key, now);
          state = result.state;
          if (result.decision.kind === "locked") {
            expect(result.decision.retryAfterMs).toBeGreaterThan(0);
            continue;
          }
          if (event.right) {
            state = accountAttemptSucceeded(state, key, now);
            sinceSuccess.set(event.network, 0);
            accountSinceSuccess = 0;
            continue;
          }
          sinceSuccess.set(event.network, (sinceSuccess.get(event.network) ?? 0) + 1);
          accountSinceSuccess += 1;
          expect(sinceSuccess.get(event.network)).toBeLessThanOrEqual(ACCOUNT_NETWORK_FAILURE_LIMIT);
          expect(accountSinceSuccess).toBeLessThanOrEqual(ACCOUNT_FAILURE_CEILING);
        }
      }),
    );
  });

  it("over hours of failures, each admission past a limit waits out the doubled lock, and no lock is ever longer than 15 minutes", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ network: fc.integer({ min: 0, max: 40 }), gapMs: fc.integer({ min: 0, max: 3 * MINUTE }) }), { minLength: 1, maxLength: 250 }), (events) => {
        let state = EMPTY_ACCOUNT_STATE;
        let now = T0;
        const admittedAt = new Map<number, number[]>();
        const accountAdmittedAt: number[] = [];
        for (const event of events) {
          now += event.gapMs;
          const result = admitAccountAttempt(state, `net-${String(event.network)}`, now);
          state = result.state;
          if (result.decision.kind === "locked") {
            expect(result.decision.retryAfterMs).toBeGreaterThan(0);
            expect(result.decision.retryAfterMs).toBeLessThanOrEqual(LOCK_MAX_MS);
            continue;
          }
          const mine = [...(admittedAt.get(event.network) ?? []), now];
          admittedAt.set(event.network, mine);
          accountAdmittedAt.push(now);
          // The n-th failure in a row (n ≥ limit) locks for lockMs(n - limit): the next one may only come after it.
          const index = mine.length - 1;
          const before = mine[index - 1];
          if (index >= ACCOUNT_NETWORK_FAILURE_LIMIT && before !== undefined) expect(now - before).toBeGreaterThanOrEqual(lockMs(index - ACCOUNT_NETWORK_FAILURE_LIMIT));
          const accountIndex = accountAdmittedAt.length - 1;
          const accountBefore = accountAdmittedAt[accountIndex - 1];
          if (accountIndex >= ACCOUNT_FAILURE_CEILING && accountBefore !== undefined) expect(now - accountBefore).toBeGreaterThanOrEqual(lockMs(accountIndex - ACCOUNT_FAILURE_CEILING));
          for (const run of [state.account, ...Object.values(state.networks)]) {
            if (run?.lockedUntil != null) expect(run.lockedUntil - run.lastFailureAt).toBeLessThanOrEqual(LOCK_MAX_MS);
          }
        }
      }),
    );
  });

  it("at one instant, no interleaving of admits and successes counts more than 30 failures for a network", () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant({ kind: "admit" as const }), fc.record({ kind: fc.constant("succeed" as const), pick: fc.nat() })), { maxLength: 200 }), (events) => {
        let state = EMPTY_NETWORK_STATE;
        const pending: string[] = [];
        let next = 0;
        for (const event of events) {
          if (event.kind === "succeed") {
            const attemptId = pending.splice(event.pick % Math.max(pending.length, 1), 1)[0];
            if (attemptId !== undefined) state = networkAttemptSucceeded(state, attemptId, T0);
            continue;
          }
          const attemptId = `id${String(next++)}`;
          const result = admitNetworkAttempt(state, attemptId, T0);
          state = result.state;
          if (result.decision.kind === "admitted") pending.push(attemptId);
          else expect(result.decision.retryAfterMs).toBeLessThanOrEqual(LOCK_MAX_MS);
          expect(pending.length).toBeLessThanOrEqual(NETWORK_FAILURE_LIMIT);
          expect(state.failures).toHaveLength(pending.length);
        }
      }),
    );
  });

  it("over time, a network's lock is never longer than 15 minutes and never holds past its own end", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gapMs: fc.integer({ min: 0, max: 2 * MINUTE }), succeed: fc.boolean() }), { maxLength: 300 }), (events) => {
        let state = EMPTY_NETWORK_STATE;
        let now = T0;
        events.forEach((event, index) => {
          now += event.gapMs;
          const result = admitNetworkAttempt(state, `id${String(index)}`, now);
          state = result.state;
          if (result.decision.kind === "locked") expect(result.decision.retryAfterMs).toBeLessThanOrEqual(LOCK_MAX_MS);
          else if (event.succeed) state = networkAttemptSucceeded(state, `id${String(index)}`, now);
          if (state.lockedUntil !== null) {
            expect(state.lockedUntil - now).toBeLessThanOrEqual(LOCK_MAX_MS);
            expect(admitNetworkAttempt(state, "probe", Math.max(now, state.lockedUntil)).decision.kind).toBe("admitted");
          }
        });
      }),
    );
  });
});
