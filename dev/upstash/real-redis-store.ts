import { createRequire } from "node:module";
import type RedisClient from "ioredis";
import { ErrorReply, type RedisReply } from "./redis-reply";
import { EXEC_ABORT, type RedisCommand, type RedisStore } from "./redis-store";
import { refusalOf } from "./refused-commands";

// Loaded with Node's own require: vitest's module runner, which loads the global
// setup, cannot evaluate ioredis's CommonJS entry (it redefines `default`).
const Redis = createRequire(import.meta.url)("ioredis") as typeof RedisClient;
type Redis = RedisClient;

/**
 * A real Redis behind the stand-in, e.g. redis://127.0.0.1:6379/11 (the path
 * picks the database). Replies are read as Buffers, so bytes stay exact.
 */
export async function openRealRedisStore(redisUrl: string): Promise<RedisStore> {
  // stringNumbers: ioredis's own integer parsing rounds int64 replies wrongly; decimal text converts exactly.
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1, stringNumbers: true });
  let lastLogged = "";
  redis.on("error", (error: Error) => {
    // ioredis reports every failed reconnect; say each distinct problem once.
    if (error.message === lastLogged) return;
    lastLogged = error.message;
    console.error(`[upstash] Redis connection error: ${error.message}`);
  });
  try {
    await redis.connect();
  } catch (error) {
    // Stop ioredis's reconnect loop, which would otherwise keep the process alive.
    redis.disconnect();
    throw new Error(`cannot reach Redis at ${withoutCredentials(redisUrl)}: ${lastLogged || String(error)}`);
  }
  return new RealRedisStore(redis);
}

function withoutCredentials(redisUrl: string): string {
  try {
    const url = new URL(redisUrl);
    url.username = "";
    url.password = "";
    return url.toString();
  } catch {
    return "the configured URL";
  }
}

class RealRedisStore implements RedisStore {
  readonly #redis: Redis;
  #closed = false;

  constructor(redis: Redis) {
    this.#redis = redis;
  }

  async execute(command: RedisCommand): Promise<RedisReply> {
    const [name, ...args] = asSent(command);
    if (name === undefined) return new ErrorReply("ERR empty command");
    const refusal = refusalOf(name);
    if (refusal !== undefined) return new ErrorReply(refusal);
    try {
      return toReply(await this.#redis.callBuffer(name, ...args));
    } catch (error) {
      return asErrorReply(error);
    }
  }

  /** ioredis writes MULTI, the commands and EXEC together on one connection, so nothing interleaves. */
  async multi(commands: readonly RedisCommand[]): Promise<RedisReply[] | ErrorReply> {
    if (commands.length === 0) return [];
    const transaction = this.#redis.multi();
    for (const command of commands) {
      const [name, ...args] = asSent(command);
      if (name === undefined || refusalOf(name) !== undefined) return EXEC_ABORT;
      transaction.callBuffer(name, ...args);
    }
    let results: [Error | null, unknown][] | null;
    try {
      results = await transaction.exec();
    } catch (error) {
      return asErrorReply(error);
    }
    if (results === null) return EXEC_ABORT;
    return results.map(([error, value]) => (error ? asErrorReply(error) : toReply(value)));
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    try {
      await this.#redis.quit();
    } catch {
      this.#redis.disconnect();
    }
  }
}

/**
 * The command as sent to Redis:
 * - the name as it came (Redis quotes it in "unknown command" errors), except
 *   HGETALL, upper-cased because ioredis turns the reply of a lower-case
 *   "hgetall" into an object and we want Redis's raw array;
 * - FLUSHALL narrowed to FLUSHDB: Upstash has one database, and the stand-in
 *   must not empty the other databases of a shared Redis.
 */
function asSent(command: RedisCommand): string[] {
  const [name, ...args] = command;
  if (name === undefined) return [];
  const lower = name.toLowerCase();
  if (lower === "hgetall") return ["HGETALL", ...args];
  if (lower === "flushall") return ["FLUSHDB", ...args];
  return [name, ...args];
}

/** A Redis error reply becomes a value; anything else (connection lost, …) is an outage and is thrown. */
function asErrorReply(error: unknown): ErrorReply {
  if (error instanceof Error && error.name === "ReplyError") return new ErrorReply(error.message);
  throw error;
}

/** With callBuffer every string reply is a Buffer, so a JS string can only be an integer (stringNumbers). */
function toReply(value: unknown): RedisReply {
  if (value === null || value === undefined) return null;
  if (Buffer.isBuffer(value) || typeof value === "number") return value;
  if (typeof value === "string") return Number(BigInt(value));
  if (Array.isArray(value)) return value.map(toReply);
  if (value instanceof Error) return asErrorReply(value);
  throw new Error(`unexpected reply from Redis: ${typeof value}`);
}
