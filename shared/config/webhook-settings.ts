import { DEFAULT_WEBHOOK_RETRY_DELAYS_SECONDS, MAX_QUEUE_DELAY_SECONDS, shortestRetryWindowSeconds } from "../domain/webhook-retry";
import { ConfigError, integerSetting, listSetting, type RawEnv } from "./env-reader";

export interface WebhookConfig {
  /** Plain `http` to loopback receivers: the local stack only. */
  readonly allowLoopbackHttp: boolean;
  /** The pause before each retry after a failed attempt; the delivery dies when they run out. */
  readonly retryDelaysSeconds: readonly number[];
  /** How long one attempt may take before it counts as failed. */
  readonly timeoutMs: number;
  /** An endpoint failing without a single success for this long is disabled. */
  readonly disableAfterMs: number;
  /** A delivery due this long without an attempt lost its queue message (a restart, a dropped message) and is enqueued again. */
  readonly lostMessageAfterMs: number;
}

const DAY_SECONDS = 86_400;

/**
 * `WEBHOOK_RETRY_DELAYS` (seconds, comma-separated) may be shortened only with LOCAL_STACK=true,
 * so tests can watch a schedule run out; in production it must span the contract's 24 hours.
 */
export function webhookSettings(env: RawEnv, localStack: boolean): WebhookConfig {
  const delays = listSetting(env, "WEBHOOK_RETRY_DELAYS", DEFAULT_WEBHOOK_RETRY_DELAYS_SECONDS.map(String)).map((item) => {
    if (!/^\d+$/.test(item)) throw new ConfigError("WEBHOOK_RETRY_DELAYS must be whole numbers of seconds, comma-separated");
    const seconds = Number(item);
    if (seconds < 1 || seconds > MAX_QUEUE_DELAY_SECONDS) throw new ConfigError(`WEBHOOK_RETRY_DELAYS entries must be between 1 and ${MAX_QUEUE_DELAY_SECONDS}`);
    return seconds;
  });
  if (delays.length === 0 || delays.length > 20) throw new ConfigError("WEBHOOK_RETRY_DELAYS must list 1 to 20 delays");
  if (!localStack && shortestRetryWindowSeconds(delays) < DAY_SECONDS) throw new ConfigError("WEBHOOK_RETRY_DELAYS must add up to at least 24 hours");
  return Object.freeze({
    allowLoopbackHttp: localStack,
    retryDelaysSeconds: Object.freeze(delays),
    timeoutMs: integerSetting(env, "WEBHOOK_TIMEOUT_SECONDS", 10, 1, 30) * 1000,
    disableAfterMs: integerSetting(env, "WEBHOOK_DISABLE_AFTER_DAYS", 5, 2, 30) * DAY_SECONDS * 1000,
    lostMessageAfterMs: integerSetting(env, "WEBHOOK_LOST_MESSAGE_SECONDS", 900, localStack ? 1 : 300, 86_400) * 1000,
  });
}
