/**
 * The rules a per-phone code guard enforces, as pure functions over its state.
 * The Durable Object loads the state, applies one of these and saves the result
 * without awaiting anything in between, so each call is atomic.
 */

/** Sends per phone are counted over this rolling window (`rate_limit_per_hour`). */
export const SEND_WINDOW_MS = 60 * 60 * 1000;
/** Consecutive wrong codes across resends after which the phone is locked. */
export const MAX_CONSECUTIVE_FAILURES = 20;
/** How long the lock lasts, and how long a run of failures is remembered. */
export const LOCKOUT_WINDOW_MS = 60 * 60 * 1000;

export interface LiveCode {
  readonly hash: string;
  readonly requestId: string;
  readonly expiresAt: number;
  readonly attemptsLeft: number;
}

export interface PhoneCodeState {
  readonly code: LiveCode | null;
  readonly sends: readonly { readonly at: number; readonly requestId: string }[];
  readonly failures: number;
  readonly lastFailureAt: number | null;
  readonly lockedUntil: number | null;
}

export const EMPTY_PHONE_STATE: PhoneCodeState = { code: null, sends: [], failures: 0, lastFailureAt: null, lockedUntil: null };

export interface SendRequest {
  readonly codeHash: string;
  readonly requestId: string;
  readonly now: number;
  readonly ttlMs: number;
  readonly maxAttempts: number;
  readonly maxSendsPerHour: number;
}

export type SendOutcome = { readonly kind: "reserved"; readonly expiresAt: number } | { readonly kind: "rate_limited"; readonly retryAfterMs: number };

/** Counts a send and installs its code, replacing any earlier one; refuses past the hourly limit or during a lock. */
export function reserveSend(state: PhoneCodeState, request: SendRequest): { state: PhoneCodeState; outcome: SendOutcome } {
  const { now } = request;
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    return { state, outcome: { kind: "rate_limited", retryAfterMs: state.lockedUntil - now } };
  }
  const sends = state.sends.filter((send) => send.at > now - SEND_WINDOW_MS);
  const oldest = sends[0];
  if (sends.length >= request.maxSendsPerHour && oldest) {
    return { state: { ...state, sends }, outcome: { kind: "rate_limited", retryAfterMs: oldest.at + SEND_WINDOW_MS - now } };
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
  | { readonly kind: "too_many_attempts"; readonly retryAfterMs: number | null };

/**
 * Checks a presented code. `matches` compares the stored and presented hashes
 * in constant time; it is passed in so this module stays free of crypto.
 */
export function verifyCode(
  state: PhoneCodeState,
  presentedHash: string,
  now: number,
  matches: (stored: string, presented: string) => boolean,
): { state: PhoneCodeState; outcome: VerifyOutcome } {
  if (state.lockedUntil !== null && state.lockedUntil > now) {
    return { state, outcome: { kind: "too_many_attempts", retryAfterMs: state.lockedUntil - now } };
  }
  const code = state.code;
  if (!code || code.expiresAt <= now) return { state: { ...state, code: null }, outcome: { kind: "code_expired" } };
  if (code.attemptsLeft <= 0) return { state, outcome: { kind: "too_many_attempts", retryAfterMs: null } };

  if (matches(code.hash, presentedHash)) {
    return { state: { ...state, code: null, failures: 0, lastFailureAt: null, lockedUntil: null }, outcome: { kind: "verified", requestId: code.requestId } };
  }

  const runStillOpen = state.lastFailureAt !== null && state.lastFailureAt > now - LOCKOUT_WINDOW_MS;
  const failures = (runStillOpen ? state.failures : 0) + 1;
  if (failures >= MAX_CONSECUTIVE_FAILURES) {
    const lockedUntil = now + LOCKOUT_WINDOW_MS;
    return {
      state: { ...state, code: null, failures, lastFailureAt: now, lockedUntil },
      outcome: { kind: "too_many_attempts", retryAfterMs: LOCKOUT_WINDOW_MS },
    };
  }
  const attemptsLeft = code.attemptsLeft - 1;
  return {
    state: { ...state, code: { ...code, attemptsLeft }, failures, lastFailureAt: now },
    outcome: { kind: "invalid_code", attemptsRemaining: attemptsLeft },
  };
}
