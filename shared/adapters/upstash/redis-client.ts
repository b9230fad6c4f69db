import { Redis } from "@upstash/redis/cloudflare";

export interface RedisConfig {
  readonly url: string;
  readonly token: string;
}

/**
 * The official client with its defaults (auto-pipelining, base64 responses),
 * except retries: a request path must not stall for seconds on a down Redis,
 * so a network failure is retried once, quickly.
 */
export function createRedis(config: RedisConfig): Redis {
  return new Redis({
    url: config.url,
    token: config.token,
    retry: { retries: 1, backoff: () => 50 },
  });
}
