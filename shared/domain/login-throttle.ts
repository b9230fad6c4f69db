/**
 * The rules that throttle password logins, as pure functions over two kinds of state:
 * one per (tenant, account) and one per (tenant, client network). The Durable Object
 * loads a state, applies one of these and saves the result without awaiting anything
 * in between, so each call is atomic.
 *
 * An attempt is counted as a failure when it is admitted, before the password is
 * checked; a right password takes it back. So racing wrong guesses are counted one by
 * one and none slips past a limit between a check and a count.
 */

/** Consecutive failures on one account from one client network before that network is locked out of the account. */
export const ACCOUNT_NETWORK_FAILURE_LIMIT = 5;
/** Consecutive failures on one account from every network together before the account is locked for everyone (NIST SP 800-63B: at most 100). */
export const ACCOUNT_FAILURE_CEILING = 100;
/** The first lock; each further failure of the same run doubles it. */
export const LOCK_BASE_MS = 60 * 1000;
/** No lock is ever longer than this. */
export const LOCK_MAX_MS = 15 * 60 * 1000;
/** A run of failures is forgotten this long after its last failure or the end of its lock, whichever is later. */
export const RUN_MEMORY_MS = 24 * 60 * 60 * 1000;
/** The per-network runs one account keeps; the oldest are dropped past it (the account-wide run still counts their failures). */
export const MAX_TRACKED_NETWORKS = 500;
/** Failures from one client network across the tenant's accounts, within the window, that lock the network out of every account. */
export const NETWORK_FAILURE_LIMIT = 30;
export const NETWORK_WINDOW_MS = 15 * 60 * 1000;
/** How long after its last lock ended a network's next lock still grows from the last one. */
export const NETWORK_LOCK_MEMORY_MS = 24 * 60 * 60 * 1000;

/** The lock that `excess` failures past a limit earn: 1, 2, 4, 8 minutes, then 15 at most. */
export function lockMs(excess: number): number {
  return Math.min(LOCK_MAX_MS, LOCK_BASE_MS * 2 ** Math.min(Math.max(excess, 0), 30));
}

export type ThrottleDecision = { readonly kind: "admitted" } | { readonly kind: "locked"; readonly scope: "account" | "network"; readonly retryAfterMs: number };

/** Consecutive failures (admitted attempts not yet shown right) and the lock they set. */
export interface FailureRun {
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
}

export interface AccountThrottleState {
  /** Keyed by a keyed hash of the client network, never the address. */
  readonly networks: Readonly<Record<string, FailureRun>>;
  readonly account: FailureRun | null;
}

export const EMPTY_ACCOUNT_STATE: AccountThrottleState = { networks: {}, account: null };

function isLocked(run: FailureRun | null | undefined, now: number): run is FailureRun & { lockedUntil: number } {
  return run?.lockedUntil != null && run.lockedUntil > now;
}

function liveRun(run: FailureRun | null | undefined, now: number): FailureRun | null {
  if (!run) return null;
  return Math.max(run.lastFailureAt, run.lockedUntil ?? 0) > now - RUN_MEMORY_MS ? run : null;
}

/** One more failure in a run; from `limit` on, each one locks, twice as long as the one before. */
function countFailure(run: FailureRun | null, limit: number, now: number): FailureRun {
  const failures = (run?.failures ?? 0) + 1;
  return { failures, lastFailureAt: now, lockedUntil: failures >= limit ? now + lockMs(failures - limit) : null };
}

/** Drops lapsed runs, and the oldest network runs past MAX_TRACKED_NETWORKS. */
export function pruneAccount(state: AccountThrottleState, now: number): AccountThrottleState {
  const live = Object.entries(state.networks).filter(([, run]) => liveRun(run, now) !== null);
  const kept = live.length > MAX_TRACKED_NETWORKS ? live.sort(([, a], [, b]) => b.lastFailureAt - a.lastFailureAt).slice(0, MAX_TRACKED_NETWORKS) : live;
  return { networks: Object.fromEntries(kept), account: liveRun(state.account, now) };
}

export function isAccountIdle(state: AccountThrottleState, now: number): boolean {
  const pruned = pruneAccount(state, now);
  return pruned.account === null && Object.keys(pruned.networks).length === 0;
}

/**
 * Admits an attempt on the account from `network`, counting it as a failure in the
 * network's run and the account's run, or refuses it while either is locked. A refused
 * attempt is not counted: it never reaches the password.
 */
export function admitAccountAttempt(state: AccountThrottleState, network: string, now: number): { state: AccountThrottleState; decision: ThrottleDecision } {
  const current = pruneAccount(state, now);
  if (isLocked(current.account, now)) return { state: current, decision: { kind: "locked", scope: "account", retryAfterMs: current.account.lockedUntil - now } };
  const networkRun = current.networks[network];
  if (isLocked(networkRun, now)) return { state: current, decision: { kind: "locked", scope: "network", retryAfterMs: networkRun.lockedUntil - now } };
  const next = {
    networks: { ...current.networks, [network]: countFailure(networkRun ?? null, ACCOUNT_NETWORK_FAILURE_LIMIT, now) },
    account: countFailure(current.account, ACCOUNT_FAILURE_CEILING, now),
  };
  return { state: pruneAccount(next, now), decision: { kind: "admitted" } };
}

/**
 * A right password from `network`: its run on this account and the account's run end,
 * with their locks. Other networks' runs stay: the owner's success says nothing about them.
 */
export function accountAttemptSucceeded(state: AccountThrottleState, network: string, now: number): AccountThrottleState {
  const networks = Object.fromEntries(Object.entries(state.networks).filter(([key]) => key !== network));
  return pruneAccount({ networks, account: null }, now);
}

/** Failures from one client network across the tenant's accounts. */
export interface NetworkThrottleState {
  /** Admitted attempts within the window that have not been shown right. */
  readonly failures: readonly { readonly at: number; readonly attemptId: string }[];
  readonly lockedUntil: number | null;
  /** The attempt whose admission set the lock, so that its success can lift it. */
  readonly lockedBy: string | null;
  /** Locks in a row; the next one lasts lockMs(lockouts). */
  readonly lockouts: number;
}

export const EMPTY_NETWORK_STATE: NetworkThrottleState = { failures: [], lockedUntil: null, lockedBy: null, lockouts: 0 };

export function pruneNetwork(state: NetworkThrottleState, now: number): NetworkThrottleState {
  const failures = state.failures.filter((failure) => failure.at > now - NETWORK_WINDOW_MS);
  const remembered = state.lockedUntil !== null && state.lockedUntil > now - NETWORK_LOCK_MEMORY_MS;
  if (remembered) return { ...state, failures };
  return { failures, lockedUntil: null, lockedBy: null, lockouts: 0 };
}

export function isNetworkIdle(state: NetworkThrottleState, now: number): boolean {
  const pruned = pruneNetwork(state, now);
  return pruned.failures.length === 0 && pruned.lockedUntil === null;
}

/**
 * Admits an attempt from the network on any account, counting it as a failure, or
 * refuses it while the network is locked. The attempt that brings the window to
 * NETWORK_FAILURE_LIMIT sets a lock, and so does every later one while the window is
 * still that full; each lock is twice as long as the one before.
 */
export function admitNetworkAttempt(state: NetworkThrottleState, attemptId: string, now: number): { state: NetworkThrottleState; decision: ThrottleDecision } {
  const current = pruneNetwork(state, now);
  if (current.lockedUntil !== null && current.lockedUntil > now) return { state: current, decision: { kind: "locked", scope: "network", retryAfterMs: current.lockedUntil - now } };
  const failures = [...current.failures, { at: now, attemptId }];
  if (failures.length < NETWORK_FAILURE_LIMIT) return { state: { ...current, failures }, decision: { kind: "admitted" } };
  const locked = { failures, lockedUntil: now + lockMs(current.lockouts), lockedBy: attemptId, lockouts: current.lockouts + 1 };
  return { state: locked, decision: { kind: "admitted" } };
}

/**
 * A right password: that one attempt was not a failure, and a lock it set is lifted.
 * The network's other failures stay counted, so a stuffer who owns one account cannot
 * wipe the count by signing in to it.
 */
export function networkAttemptSucceeded(state: NetworkThrottleState, attemptId: string, now: number): NetworkThrottleState {
  const current = pruneNetwork(state, now);
  const failures = current.failures.filter((failure) => failure.attemptId !== attemptId);
  if (current.lockedBy !== attemptId) return { ...current, failures };
  // The lock ends now; the lock before it, if any, is still what the next one grows from.
  return { failures, lockedUntil: current.lockouts > 1 ? now : null, lockedBy: null, lockouts: current.lockouts - 1 };
}
