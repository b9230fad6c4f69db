/**
 * When a failed webhook delivery is tried again. The default spreads eight attempts over
 * at least 27.5 hours (the contract promises 24); each pause is lengthened by a random part of up
 * to a quarter, so an endpoint coming back is not hit by every delivery at once, and the
 * schedule never ends sooner than its nominal sum.
 */
export const DEFAULT_WEBHOOK_RETRY_DELAYS_SECONDS: readonly number[] = [5, 300, 1_800, 7_200, 18_000, 36_000, 36_000];

/** Cloudflare Queues delays a message by at most 12 hours. */
export const MAX_QUEUE_DELAY_SECONDS = 43_200;

export type RetryDecision = { readonly retry: true; readonly delaySeconds: number } | { readonly retry: false };

/**
 * The decision after `failedAttempts` failures (1 after the first). `random` is in [0, 1).
 */
export function nextRetry(delays: readonly number[], failedAttempts: number, random: number): RetryDecision {
  const base = delays[failedAttempts - 1];
  if (base === undefined) return { retry: false };
  const jittered = base * (1 + 0.25 * random);
  return { retry: true, delaySeconds: Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, Math.round(jittered))) };
}

/** The shortest time the schedule can take: what the "at least 24 hours" promise is checked against. */
export function shortestRetryWindowSeconds(delays: readonly number[]): number {
  return delays.reduce((total, delay) => total + Math.min(MAX_QUEUE_DELAY_SECONDS, Math.max(1, delay)), 0);
}
