import type { WindowDecision } from "../domain/fixed-window";

/** Counters kept close to the user; each key is counted on its own. */
export interface RateLimiter {
  hit(key: string, limit: number, windowMs: number): Promise<WindowDecision>;
  /** Takes back one hit counted in the window that started at `windowStart` (from the hit's decision). */
  release(key: string, windowStart: number): Promise<void>;
  /** The key's count in its current window, without adding to it. */
  count(key: string, windowMs: number): Promise<number>;
}
