export interface WindowState {
  readonly windowStart: number;
  readonly count: number;
}

/** An allowed hit names its window, so the hit can be taken back from that window and no other. */
export type WindowDecision = { readonly allowed: true; readonly remaining: number; readonly windowStart: number } | { readonly allowed: false; readonly retryAfterMs: number };

/** A fixed-window counter: at most `limit` hits per `windowMs`, the window starting at the first hit. */
export function hitWindow(state: WindowState | null, now: number, limit: number, windowMs: number): { state: WindowState; decision: WindowDecision } {
  const current = state && now - state.windowStart < windowMs ? state : { windowStart: now, count: 0 };
  if (current.count >= limit) {
    return { state: current, decision: { allowed: false, retryAfterMs: current.windowStart + windowMs - now } };
  }
  const next = { windowStart: current.windowStart, count: current.count + 1 };
  return { state: next, decision: { allowed: true, remaining: limit - next.count, windowStart: next.windowStart } };
}

/** Takes back one hit of the window that started at `windowStart`; a later window is left as it is. */
export function releaseHit(state: WindowState | null, windowStart: number): WindowState | null {
  if (!state || state.windowStart !== windowStart || state.count === 0) return state;
  return { windowStart, count: state.count - 1 };
}

/** How many hits the current window holds, without counting one. */
export function windowCount(state: WindowState | null, now: number, windowMs: number): number {
  return state && now - state.windowStart < windowMs ? state.count : 0;
}
