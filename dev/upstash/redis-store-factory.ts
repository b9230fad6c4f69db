import { openEmbeddedStore } from "./embedded/embedded-store";
import { openRealRedisStore } from "./real-redis-store";
import type { RedisStore } from "./redis-store";

export interface RedisStoreOptions {
  /** A real Redis to use, e.g. redis://127.0.0.1:6379/11; the embedded store when undefined. */
  readonly redisUrl: string | undefined;
  /** Where the embedded store persists as JSON; in memory when undefined. Unused with a real Redis. */
  readonly file: string | undefined;
}

export async function createRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  return options.redisUrl ? openRealRedisStore(options.redisUrl) : openEmbeddedStore({ file: options.file });
}
