import { env } from "cloudflare:workers";
import { runDurableObjectAlarm, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { LoginGuard } from "../../../shared/adapters/durable-objects/login-guard";
import { LoginGuardClient, loginAccountGuardName, loginNetworkGuardName } from "../../../shared/adapters/durable-objects/login-guard-client";
import {
  ACCOUNT_FAILURE_CEILING,
  ACCOUNT_NETWORK_FAILURE_LIMIT,
  LOCK_BASE_MS,
  LOCK_MAX_MS,
  NETWORK_FAILURE_LIMIT,
  RUN_MEMORY_MS,
  type AccountThrottleState,
  type FailureRun,
  type NetworkThrottleState,
} from "../../../shared/domain/login-throttle";
import type { LoginAdmission } from "../../../shared/ports/login-throttle";

const MINUTE = 60_000;
const throttle = new LoginGuardClient(env.LOGIN_GUARD);

/** A 64-hex keyed hash as the throttle gets it; random, so every test has its own objects. */
function key(): string {
  return Array.from(crypto.getRandomValues(new Uint8Array(32)), (byte) => byte.toString(16).padStart(2, "0")).join("");
}

function tenant(): string {
  return `tn_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`;
}

function stub(name: string): DurableObjectStub<LoginGuard> {
  return env.LOGIN_GUARD.get(env.LOGIN_GUARD.idFromName(name));
}

function readAccount(tenantId: string, accountKey: string): Promise<AccountThrottleState | undefined> {
  return runInDurableObject(stub(loginAccountGuardName(tenantId, accountKey)), (_guard: LoginGuard, state) => state.storage.kv.get<AccountThrottleState>("account"));
}

function shiftRun(run: FailureRun, byMs: number): FailureRun {
  return { failures: run.failures, lastFailureAt: run.lastFailureAt - byMs, lockedUntil: run.lockedUntil === null ? null : run.lockedUntil - byMs };
}

/** Moves every time the account's object holds `byMs` into the past: time passing, without waiting for it. */
async function ageAccount(tenantId: string, accountKey: string, byMs: number): Promise<void> {
  await runInDurableObject(stub(loginAccountGuardName(tenantId, accountKey)), (_guard: LoginGuard, state) => {
    const stored = state.storage.kv.get<AccountThrottleState>("account");
    if (!stored) throw new Error("no account state stored");
    const networks = Object.fromEntries(Object.entries(stored.networks).map(([network, run]) => [network, shiftRun(run, byMs)]));
    state.storage.kv.put("account", { networks, account: stored.account && shiftRun(stored.account, byMs) });
  });
}

async function admitMany(count: number, attempt: (index: number) => Promise<LoginAdmission>): Promise<LoginAdmission[]> {
  const outcomes: LoginAdmission[] = [];
  for (let index = 0; index < count; index++) outcomes.push(await attempt(index));
  return outcomes;
}

function expectLocked(outcome: LoginAdmission, scope: "account" | "network", atMostMs: number): void {
  expect(outcome).toMatchObject({ kind: "locked", scope });
  if (outcome.kind !== "locked") return;
  expect(outcome.retryAfterMs).toBeGreaterThan(0);
  expect(outcome.retryAfterMs).toBeLessThanOrEqual(atMostMs);
}

describe("LoginGuard (per account and per client network)", () => {
  it(`an attacker's address locks only itself: after ${String(ACCOUNT_NETWORK_FAILURE_LIMIT)} failures it is refused for a minute, the owner's network still gets in`, async () => {
    const [tenantId, account, attacker, owner] = [tenant(), key(), key(), key()];
    const outcomes = await admitMany(ACCOUNT_NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, account, attacker));
    expect(outcomes.every((outcome) => outcome.kind === "admitted")).toBe(true);
    expectLocked(await throttle.admit(tenantId, account, attacker), "network", LOCK_BASE_MS);
    expect((await throttle.admit(tenantId, account, owner)).kind).toBe("admitted");
  });

  it(`one winner under concurrency: of 20 parallel guesses from one network, exactly ${String(ACCOUNT_NETWORK_FAILURE_LIMIT)} are admitted`, async () => {
    const [tenantId, account, attacker] = [tenant(), key(), key()];
    const outcomes = await Promise.all(Array.from({ length: 20 }, () => throttle.admit(tenantId, account, attacker)));
    expect(outcomes.filter((outcome) => outcome.kind === "admitted")).toHaveLength(ACCOUNT_NETWORK_FAILURE_LIMIT);
    for (const outcome of outcomes.filter((outcome) => outcome.kind === "locked")) expectLocked(outcome, "network", LOCK_BASE_MS);
    expect((await readAccount(tenantId, account))?.networks[attacker]?.failures).toBe(ACCOUNT_NETWORK_FAILURE_LIMIT);
  });

  it(`a distributed guesser: parallel guesses from many networks stop at the account-wide ceiling of ${String(ACCOUNT_FAILURE_CEILING)}, and the owner is locked out too`, async () => {
    const [tenantId, account, owner] = [tenant(), key(), key()];
    const outcomes = await Promise.all(Array.from({ length: ACCOUNT_FAILURE_CEILING + 10 }, () => throttle.admit(tenantId, account, key())));
    expect(outcomes.filter((outcome) => outcome.kind === "admitted")).toHaveLength(ACCOUNT_FAILURE_CEILING);
    for (const outcome of outcomes.filter((outcome) => outcome.kind === "locked")) expectLocked(outcome, "account", LOCK_BASE_MS);
    // The right password cannot help while locked: admission comes first.
    expectLocked(await throttle.admit(tenantId, account, owner), "account", LOCK_BASE_MS);
  });

  it("each failure after a lock lifts doubles the next lock, 1, 2, 4, 8 and then 15 minutes at most", async () => {
    const [tenantId, account, attacker] = [tenant(), key(), key()];
    await admitMany(ACCOUNT_NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, account, attacker));
    const locks: number[] = [];
    for (let round = 0; round < 6; round++) {
      const run = (await readAccount(tenantId, account))?.networks[attacker];
      const lock = (run?.lockedUntil ?? 0) - (run?.lastFailureAt ?? 0);
      locks.push(lock);
      expectLocked(await throttle.admit(tenantId, account, attacker), "network", lock);
      await ageAccount(tenantId, account, lock);
      expect((await throttle.admit(tenantId, account, attacker)).kind).toBe("admitted");
    }
    expect(locks).toEqual([1, 2, 4, 8, 15, 15].map((minutes) => minutes * MINUTE));
    expect(LOCK_MAX_MS).toBe(15 * MINUTE);
  });

  it("a right password ends the run: the owner's typos before it do not add up to a lock", async () => {
    const [tenantId, account, owner] = [tenant(), key(), key()];
    await admitMany(ACCOUNT_NETWORK_FAILURE_LIMIT - 1, () => throttle.admit(tenantId, account, owner));
    const right = await throttle.admit(tenantId, account, owner);
    if (right.kind !== "admitted") throw new Error("the 5th attempt should be admitted");
    await throttle.succeeded(tenantId, account, owner, right.attemptId);
    expect((await readAccount(tenantId, account))?.account).toBeNull();
    const again = await admitMany(ACCOUNT_NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, account, owner));
    expect(again.every((outcome) => outcome.kind === "admitted")).toBe(true);
  });

  it("a right password from the owner does not lift the attacker's lock on the account", async () => {
    const [tenantId, account, attacker, owner] = [tenant(), key(), key(), key()];
    await admitMany(ACCOUNT_NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, account, attacker));
    const right = await throttle.admit(tenantId, account, owner);
    if (right.kind !== "admitted") throw new Error("the owner should be admitted");
    await throttle.succeeded(tenantId, account, owner, right.attemptId);
    expectLocked(await throttle.admit(tenantId, account, attacker), "network", LOCK_BASE_MS);
  });

  it(`credential stuffing: ${String(NETWORK_FAILURE_LIMIT)} guesses on different accounts lock the network out of every account, while other networks still get in`, async () => {
    const [tenantId, stuffer, owner] = [tenant(), key(), key()];
    const outcomes = await admitMany(NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, key(), stuffer));
    expect(outcomes.every((outcome) => outcome.kind === "admitted")).toBe(true);
    const fresh = key();
    expectLocked(await throttle.admit(tenantId, fresh, stuffer), "network", LOCK_BASE_MS);
    expect((await throttle.admit(tenantId, fresh, owner)).kind).toBe("admitted");
    // Counted per tenant: the same network on another tenant is not locked.
    expect((await throttle.admit(tenant(), fresh, stuffer)).kind).toBe("admitted");
  });

  it(`one winner under concurrency: of 40 parallel guesses on 40 accounts from one network, exactly ${String(NETWORK_FAILURE_LIMIT)} are admitted`, async () => {
    const [tenantId, stuffer] = [tenant(), key()];
    const outcomes = await Promise.all(Array.from({ length: 40 }, () => throttle.admit(tenantId, key(), stuffer)));
    expect(outcomes.filter((outcome) => outcome.kind === "admitted")).toHaveLength(NETWORK_FAILURE_LIMIT);
    for (const outcome of outcomes.filter((outcome) => outcome.kind === "locked")) expectLocked(outcome, "network", LOCK_BASE_MS);
  });

  it("a stuffer who owns one account cannot reset the network's count by signing in to it", async () => {
    const [tenantId, stuffer, own] = [tenant(), key(), key()];
    await admitMany(NETWORK_FAILURE_LIMIT - 1, () => throttle.admit(tenantId, key(), stuffer));
    const signIn = await throttle.admit(tenantId, own, stuffer);
    if (signIn.kind !== "admitted") throw new Error("the 30th attempt should be admitted");
    await throttle.succeeded(tenantId, own, stuffer, signIn.attemptId);
    // Its own sign-in was not a failure (the lock it set is lifted), but the 29 guesses still count.
    expect((await throttle.admit(tenantId, key(), stuffer)).kind).toBe("admitted");
    expectLocked(await throttle.admit(tenantId, key(), stuffer), "network", LOCK_BASE_MS);
  });

  it("a network locked across accounts is refused before the account is asked, so it cannot push the account towards its ceiling", async () => {
    const [tenantId, stuffer, target] = [tenant(), key(), key()];
    await admitMany(NETWORK_FAILURE_LIMIT, () => throttle.admit(tenantId, key(), stuffer));
    await admitMany(10, () => throttle.admit(tenantId, target, stuffer));
    expect(await readAccount(tenantId, target)).toBeUndefined();
  });

  it("an idle object deletes itself at its alarm; a live one keeps its runs", async () => {
    const [tenantId, stale, live, network] = [tenant(), key(), key(), key()];
    await throttle.admit(tenantId, stale, network);
    await throttle.admit(tenantId, live, network);
    await ageAccount(tenantId, stale, RUN_MEMORY_MS);
    expect(await runDurableObjectAlarm(stub(loginAccountGuardName(tenantId, stale)))).toBe(true);
    expect(await readAccount(tenantId, stale)).toBeUndefined();
    expect(await runDurableObjectAlarm(stub(loginAccountGuardName(tenantId, live)))).toBe(true);
    expect((await readAccount(tenantId, live))?.networks[network]?.failures).toBe(1);

    const networkStub = stub(loginNetworkGuardName(tenantId, network));
    await runInDurableObject(networkStub, (_guard: LoginGuard, state) => {
      const stored = state.storage.kv.get<NetworkThrottleState>("network");
      expect(stored?.failures).toHaveLength(2);
      state.storage.kv.put("network", { ...stored, failures: [{ at: 0, attemptId: "0".repeat(26) }] });
    });
    expect(await runDurableObjectAlarm(networkStub)).toBe(true);
    expect(await runInDurableObject(networkStub, (_guard: LoginGuard, state) => state.storage.kv.get("network"))).toBeUndefined();
  });

  it("refuses malformed RPC input (an address in clear, a bad attempt id, unknown fields) instead of storing it", async () => {
    const target = stub(`test:${crypto.randomUUID()}`);
    const settle = (call: Promise<unknown>) => call.then(() => "resolved", () => "rejected");
    expect(await settle(target.admitAccount({ network: "203.0.113.7" }))).toBe("rejected");
    expect(await settle(target.admitAccount({ network: key(), extra: true }))).toBe("rejected");
    expect(await settle(target.succeedAccount({ network: "A".repeat(64) }))).toBe("rejected");
    expect(await settle(target.admitNetwork({ attemptId: "' OR 1=1 --" }))).toBe("rejected");
    expect(await settle(target.admitNetwork({ attemptId: "i".repeat(26) }))).toBe("rejected");
    expect(await settle(target.succeedNetwork({}))).toBe("rejected");
    expect(await settle(target.admitNetwork("x"))).toBe("rejected");
    await runInDurableObject(target, (_guard: LoginGuard, state) => {
      expect(state.storage.kv.get("account")).toBeUndefined();
      expect(state.storage.kv.get("network")).toBeUndefined();
    });
  });

  it("the client refuses to name an object after an address in clear or a malformed tenant, touching nothing", async () => {
    const settle = (call: Promise<unknown>) => call.then(() => "resolved", () => "rejected");
    const tenantId = tenant();
    const network = key();
    expect(await settle(throttle.admit(tenantId, "someone@example.com", network))).toBe("rejected");
    expect(await settle(throttle.admit(tenantId, key(), "203.0.113.7"))).toBe("rejected");
    expect(await settle(throttle.admit("tn_a:b", key(), network))).toBe("rejected");
    expect(await settle(throttle.succeeded(tenantId, key(), network, "not-an-id"))).toBe("rejected");
    const networkStub = stub(loginNetworkGuardName(tenantId, network));
    expect(await runInDurableObject(networkStub, (_guard: LoginGuard, state) => state.storage.kv.get("network"))).toBeUndefined();
  });
});
