import { Redis } from "@upstash/redis/cloudflare";

export interface RedisConfig {
  readonly url: string;
  readonly token: string;
}

/**
 * The official client with its defaults (auto-pipelining, base64 responses),
 * except retries: a request path must not stall for seconds on a down Redis,
 * so a network failure is retried once, quickly. Writers whose retries belong
 * elsewhere (the revocation outbox) pass `retries: 0`.
 */
export function createRedis(config: RedisConfig, options: { readonly retries?: number } = {}): Redis {
  return new Redis({
    url: config.url,
    token: config.token,
    retry: { retries: options.retries ?? 1, backoff: () => 50 },
  });
}
