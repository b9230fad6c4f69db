import { Redis } from "@upstash/redis/cloudflare";

export interface RedisConfig {
  readonly url: string;
  readonly token: string;
}

export interface RedisClientOptions {
  readonly retries?: number;
  /**
   * Replies as Upstash sends them: no base64 transfer encoding and no JSON
   * decoding of each value. For readers of ASCII values only (the revocation
   * log): the client's per-value decoding costs a few microseconds each, which
   * is most of the time a gate spends loading a long list.
   */
  readonly plainReplies?: boolean;
}

/**
 * The official client with its defaults (auto-pipelining, base64 responses),
 * except retries: a request path must not stall for seconds on a down Redis,
 * so a network failure is retried once, quickly. Writers whose retries belong
 * elsewhere (the revocation outbox) pass `retries: 0`.
 */
export function createRedis(config: RedisConfig, options: RedisClientOptions = {}): Redis {
  return new Redis({
    url: config.url,
    token: config.token,
    retry: { retries: options.retries ?? 1, backoff: () => 50 },
    ...(options.plainReplies ? { responseEncoding: false, automaticDeserialization: false } : {}),
  });
}
