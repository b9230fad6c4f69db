/**
 * The rules a per-phone code guard enforces, as pure functions over its state.
 * The Durable Object loads the state, applies one of these and saves the result
 * without awaiting anything in between, so each call is atomic.
 */

/** Sends per phone are counted over this rolling window (`rate_limit_per_hour`). */
export const SEND_WINDOW_MS = 60 * 60 * 1000;
/** Consecutive wrong codes for one phone from one client network, across resends, after which that network is locked out of the phone. */
export const MAX_FAILURES_PER_NETWORK = 20;
/** How long a network's lock lasts, and how long its run of failures is remembered. */
export const LOCKOUT_WINDOW_MS = 60 * 60 * 1000;
/** Consecutive wrong codes for one phone from all networks together: NIST SP 800-63B allows at most 100 before the account is locked. */
export const PHONE_FAILURE_CEILING = 100;
/** The first phone-wide lock; each later one, while the run lasts, doubles. */
export const PHONE_BACKOFF_BASE_MS = 15 * 60 * 1000;
export const PHONE_BACKOFF_MAX_MS = 24 * 60 * 60 * 1000;
/** A phone-wide run is forgotten this long after its last failure or lock, so the back-off can grow across locks. */
export const PHONE_RUN_MEMORY_MS = 24 * 60 * 60 * 1000;

export interface LiveCode {
  readonly hash: string;
  readonly requestId: string;
  readonly expiresAt: number;
  readonly attemptsLeft: number;
}

/** Consecutive failures of one client network on one phone, and its lock. */
export interface NetworkRun {
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
}

/** Consecutive failures on one phone from every network since its last lock, the phone-wide lock and how many locks the run has had. */
export interface PhoneRun {
  readonly failures: number;
  readonly lastFailureAt: number;
  readonly lockedUntil: number | null;
  readonly lockouts: number;
}

export interface PhoneCodeState {
  readonly code: LiveCode | null;
  readonly sends: readonly { readonly at: number; readonly requestId: string }[];
  /** Keyed by a keyed hash of the client network, never the address. */
  readonly networks: Readonly<Record<string, NetworkRun>>;
  readonly phone: PhoneRun | null;
}

export const EMPTY_PHONE_STATE: PhoneCodeState = { code: null, sends: [], networks: {}, phone: null };

/** The state this object stored before failures were counted per network: one run for the whole phone. */
interface PhoneWideState {
  readonly code: LiveCode | null;
  readonly sends: PhoneCodeState["sends"];
  readonly failures: number;
  readonly lastFailureAt: number | null;
  readonly lockedUntil: number | null;
}

/**
 * Reads what storage holds, carrying a phone-wide run stored before the per-network runs over
 * into the phone's run. A phone's count stored at or past the ceiling was kept by a version that
 * did not restart it at a lock; every failure it counted past the ceiling locked the phone, so
 * none is left towards the next lock.
 */
export function storedPhoneState(stored: PhoneCodeState | PhoneWideState | undefined): PhoneCodeState {
  if (stored === undefined) return EMPTY_PHONE_STATE;
  if ("networks" in stored) return stored.phone !== null && stored.phone.failures >= PHONE_FAILURE_CEILING ? { ...stored, phone: { ...stored.phone, failures: 0 } } : stored;
  const { code, sends, failures, lastFailureAt, lockedUntil } = stored;
  const phone = lastFailureAt === null ? null : { failures, lastFailureAt, lockedUntil, lockouts: lockedUntil === null ? 0 : 1 };
  return { code, sends, networks: {}, phone };
}

/** The lock that applies to `network` on this phone now, if any: the phone-wide one first. */
export function activeLock(state: PhoneCodeState, network: string, now: number): { readonly scope: "phone" | "network"; readonly until: number } | null {
  const phoneLock = state.phone?.lockedUntil ?? null;
  if (phoneLock !== null && phoneLock > now) return { scope: "phone", until: phoneLock };
  const networkLock = state.networks[network]?.lockedUntil ?? null;
  if (networkLock !== null && networkLock > now) return { scope: "network", until: networkLock };
  return null;
}

/** The phone-wide lock after `lockouts` earlier ones in the same run. */
export function phoneBackoffMs(lockouts: number): number {
  return Math.min(PHONE_BACKOFF_MAX_MS, PHONE_BACKOFF_BASE_MS * 2 ** Math.min(lockouts, 30));
}

function liveNetworkRun(run: NetworkRun | undefined, now: number): NetworkRun | null {
  if (!run) return null;
  return run.lastFailureAt > now - LOCKOUT_WINDOW_MS || (run.lockedUntil ?? 0) > now ? run : null;
}

function livePhoneRun(run: PhoneRun | null, now: number): PhoneRun | null {
  if (!run) return null;
  return Math.max(run.lastFailureAt, run.lockedUntil ?? 0) > now - PHONE_RUN_MEMORY_MS ? run : null;
}

/** Drops what no rule needs any more: runs that lapsed and sends outside the window. */
export function pruneState(state: PhoneCodeState, now: number): PhoneCodeState {
  const networks = Object.fromEntries(Object.entries(state.networks).filter(([, run]) => liveNetworkRun(run, now) !== null));
  return {
    code: state.code !== null && state.code.expiresAt > now ? state.code : null,
    sends: state.sends.filter((send) => send.at > now - SEND_WINDOW_MS),
    networks,
    phone: livePhoneRun(state.phone, now),
  };
}

/** True when nothing in the state still matters, so it can be deleted. */
export function isIdle(state: PhoneCodeState, now: number): boolean {
  const pruned = pruneState(state, now);
  return pruned.code === null && pruned.sends.length === 0 && Object.keys(pruned.networks).length === 0 && pruned.phone === null;
}

export interface SendRequest {
  readonly codeHash: string;
  /** The asking client's network key (hashed). */
  readonly network: string;
  readonly requestId: string;
  readonly now: number;
  readonly ttlMs: number;
  readonly maxAttempts: number;
  readonly maxSendsPerHour: number;
}

export type SendOutcome =
  | { readonly kind: "reserved"; readonly expiresAt: number }
  | { readonly kind: "rate_limited"; readonly retryAfterMs: number; readonly limit: "phone_per_hour" | "phone_locked" | "network_locked" };

/** Counts a send and installs its code, replacing any earlier one; refuses past the hourly limit, or while the phone or the asking network is locked. */
export function reserveSend(state: PhoneCodeState, request: SendRequest): { state: PhoneCodeState; outcome: SendOutcome } {
  const { now } = request;
  const lock = activeLock(state, request.network, now);
  if (lock !== null) {
    return { state, outcome: { kind: "rate_limited", retryAfterMs: lock.until - now, limit: lock.scope === "phone" ? "phone_locked" : "network_locked" } };
  }
  const sends = state.sends.filter((send) => send.at > now - SEND_WINDOW_MS);
  const oldest = sends[0];
  if (sends.length >= request.maxSendsPerHour && oldest) {
    return { state: { ...state, sends }, outcome: { kind: "rate_limited", retryAfterMs: oldest.at + SEND_WINDOW_MS - now, limit: "phone_per_hour" } };
  }
  const expiresAt = now + request.ttlMs;
  return {
    state: {
      ...state,
      sends: [...sends, { at: now, requestId: request.requestId }],
      code: { hash: request.codeHash, requestId: request.requestId, expiresAt, attemptsLeft: request.maxAttempts },
    },
    outcome: { kind: "reserved", expiresAt },
  };
}

/** Undoes a reservation whose SMS could not be sent: the code dies and the send is not counted. */
export function cancelSend(state: PhoneCodeState, requestId: string): PhoneCodeState {
  return {
    ...state,
    code: state.code?.requestId === requestId ? null : state.code,
    sends: state.sends.filter((send) => send.requestId !== requestId),
  };
}

export type VerifyOutcome =
  | { readonly kind: "verified"; readonly requestId: string }
  | { readonly kind: "invalid_code"; readonly attemptsRemaining: number }
  | { readonly kind: "code_expired" }
  /** The code's own attempts are used up: it is dead, a new one must be requested. */
  | { readonly kind: "too_many_attempts" }
  /** The phone, or the presenting network on this phone, is locked until the time given. */
  | { readonly kind: "locked_out"; readonly scope: "phone" | "network"; readonly retryAfterMs: number };

/**
 * Checks a code presented from `network`. Wrong codes count twice: in the
 * network's own run, which locks only that network out of this phone at
 * MAX_FAILURES_PER_NETWORK, and in the phone's run, which locks the phone for
 * everyone at PHONE_FAILURE_CEILING. A phone lock restarts the phone's count
 * but keeps its lockouts, so only another PHONE_FAILURE_CEILING failures lock
 * it again, each time for twice as long while the run lasts. `matches`
 * compares the stored and presented hashes in constant time; it is passed in
 * so this module stays free of crypto.
 */
export function verifyCode(
  state: PhoneCodeState,
  presentedHash: string,
  network: string,
  now: number,
  matches: (stored: string, presented: string) => boolean,
): { state: PhoneCodeState; outcome: VerifyOutcome } {
  const lock = activeLock(state, network, now);
  if (lock !== null) return { state, outcome: { kind: "locked_out", scope: lock.scope, retryAfterMs: lock.until - now } };
  const code = state.code;
  if (!code || code.expiresAt <= now) return { state: { ...state, code: null }, outcome: { kind: "code_expired" } };
  if (code.attemptsLeft <= 0) return { state, outcome: { kind: "too_many_attempts" } };

  if (matches(code.hash, presentedHash)) {
    // Only the network that proved it holds the phone is cleared: another network's run and lock are not its to lift.
    const networks = Object.fromEntries(Object.entries(state.networks).filter(([key]) => key !== network));
    return { state: pruneState({ ...state, code: null, networks, phone: null }, now), outcome: { kind: "verified", requestId: code.requestId } };
  }

  const networkFailures = (liveNetworkRun(state.networks[network], now)?.failures ?? 0) + 1;
  const phoneRun = livePhoneRun(state.phone, now);
  const phoneFailures = (phoneRun?.failures ?? 0) + 1;
  const lockouts = phoneRun?.lockouts ?? 0;
  const networkLocked = networkFailures >= MAX_FAILURES_PER_NETWORK;
  const networks = { ...state.networks, [network]: { failures: networkFailures, lastFailureAt: now, lockedUntil: networkLocked ? now + LOCKOUT_WINDOW_MS : null } };
  const attemptsLeft = code.attemptsLeft - 1;

  if (phoneFailures >= PHONE_FAILURE_CEILING) {
    const backoff = phoneBackoffMs(lockouts);
    // The count restarts so that one wrong code after the lock lifts cannot lock the owner out again.
    const phone = { failures: 0, lastFailureAt: now, lockedUntil: now + backoff, lockouts: lockouts + 1 };
    return { state: pruneState({ ...state, code: null, networks, phone }, now), outcome: { kind: "locked_out", scope: "phone", retryAfterMs: backoff } };
  }
  const phone = { failures: phoneFailures, lastFailureAt: now, lockedUntil: null, lockouts };
  const next = pruneState({ ...state, code: { ...code, attemptsLeft }, networks, phone }, now);
  if (networkLocked) return { state: next, outcome: { kind: "locked_out", scope: "network", retryAfterMs: LOCKOUT_WINDOW_MS } };
  return { state: next, outcome: { kind: "invalid_code", attemptsRemaining: attemptsLeft } };
}
