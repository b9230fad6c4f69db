import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmbeddedStore } from "../../../dev/upstash/embedded/embedded-store";
import { openRealRedisStore } from "../../../dev/upstash/real-redis-store";
import type { RedisCommand, RedisStore } from "../../../dev/upstash/redis-store";
import { realBackendTitle, redisUrl } from "../../support/backends";
import {
  GLOB_KEYS, GLOB_STEPS, HASH_STEPS, KEY_STEPS, SCAN_ERROR_STEPS, SERVER_STEPS, SET_STEPS, SORTED_SET_STEPS, STRING_STEPS,
  TRANSACTIONS, UNKNOWN_COMMAND_STEPS, WRONG_TYPE_STEPS, type Step,
} from "./differential-steps";
import { redisDatabaseUrl, replyAsText } from "./stand-in-fixture";

/** Database 14 is this suite's alone; the suite empties it first. */
const DATABASE = 14;

describe.skipIf(!redisUrl)(realBackendTitle("the embedded store answers as Redis does", "REDIS_URL", redisUrl), () => {
  let embedded: RedisStore;
  let real: RedisStore;

  beforeAll(async () => {
    embedded = await openEmbeddedStore({ file: undefined });
    real = await openRealRedisStore(redisDatabaseUrl(redisUrl ?? "", DATABASE));
    await real.execute(["FLUSHDB"]);
  });

  afterAll(async () => {
    await Promise.all([embedded.close(), real.close()]);
  });

  /** Runs each step on both stores, in order, and lists every step whose replies differ. */
  async function differences(steps: readonly Step[]): Promise<unknown[]> {
    const found: unknown[] = [];
    for (const { command, normalize = (reply: unknown) => reply } of steps) {
      const expected = normalize(replyAsText(await real.execute(command)));
      const actual = normalize(replyAsText(await embedded.execute(command)));
      if (JSON.stringify(actual) !== JSON.stringify(expected)) found.push({ command, redis: expected, embedded: actual });
    }
    return found;
  }

  it.each([
    ["server commands", SERVER_STEPS],
    ["strings and counters", STRING_STEPS],
    ["keys and expiry", KEY_STEPS],
    ["glob patterns", GLOB_STEPS],
    ["SCAN's errors", SCAN_ERROR_STEPS],
    ["hashes", HASH_STEPS],
    ["sets", SET_STEPS],
    ["sorted sets", SORTED_SET_STEPS],
    ["WRONGTYPE", WRONG_TYPE_STEPS],
    ["unknown commands and arity", UNKNOWN_COMMAND_STEPS],
  ])("%s", async (_name, steps) => {
    expect(await differences(steps)).toEqual([]);
  });

  it("transactions", async () => {
    for (const commands of TRANSACTIONS) {
      expect({ commands, reply: replyAsText(await embedded.multi(commands)) }).toEqual({ commands, reply: replyAsText(await real.multi(commands)) });
    }
    expect(await differences([{ command: ["EXISTS", "t:never"] }])).toEqual([]);
  });

  it("a full SCAN finds the same keys, with MATCH and TYPE", async () => {
    await embedded.execute(["HSET", "scan:h", "f", "v"]);
    await real.execute(["HSET", "scan:h", "f", "v"]);
    for (const options of [[], ["MATCH", "g:?"], ["MATCH", "g:*", "COUNT", "3"], ["TYPE", "hash"], ["TYPE", "STRING", "MATCH", "g*"], ["TYPE", "nosuch"]]) {
      expect({ options, keys: await scanAll(embedded, options) }).toEqual({ options, keys: await scanAll(real, options) });
    }
    expect((await scanAll(embedded, ["MATCH", "g:*"])).length).toBe(GLOB_KEYS.length - 1);
  });

  it("FLUSHDB and DBSIZE", async () => {
    expect(await differences([{ command: ["DBSIZE"] }, { command: ["FLUSHDB", "ASYNC"] }, { command: ["DBSIZE"] }, { command: ["FLUSHALL", "sync"] }])).toEqual([]);
  });
});

async function scanAll(store: RedisStore, options: readonly string[]): Promise<string[]> {
  const keys: string[] = [];
  let cursor = "0";
  for (let calls = 0; calls < 10_000; calls++) {
    const reply = replyAsText(await store.execute(["SCAN", cursor, ...options] as RedisCommand)) as [string, string[]];
    keys.push(...reply[1]);
    cursor = reply[0];
    if (cursor === "0") break;
  }
  return keys.sort();
}
