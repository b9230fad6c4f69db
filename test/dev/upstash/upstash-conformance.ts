import { Redis } from "@upstash/redis/cloudflare";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import type { RedisStore } from "../../../dev/upstash/redis-store";
import { base64, post, startStandIn, TOKEN, type StandIn } from "./stand-in-fixture";

/** A TTL just set to `seconds`: Redis rounds to the nearest second; a few seconds' stall is tolerated. */
function secondsLeftOf(seconds: number): (ttl: number) => boolean {
  return (ttl) => ttl <= seconds && ttl > seconds - 5;
}

/**
 * The stand-in as the application sees it, through the official client with
 * its defaults (auto-pipelining, base64 responses), plus the wire details the
 * client hides. Runs once per backend; call it inside a describe.
 */
export function upstashConformance(openStore: () => Promise<RedisStore>): void {
  let standIn: StandIn;
  let redis: Redis;

  beforeAll(async () => {
    standIn = await startStandIn(await openStore());
    redis = standIn.redis;
    await redis.flushdb();
  });

  afterAll(async () => {
    await standIn.close();
  });

  it("round-trips values the way the client deserialises them", async () => {
    const values: Record<string, unknown> = {
      "v:unicode": "héllo wörld 👋 日本語",
      "v:object": { a: 1, nested: { list: [1, "two", null] } },
      "v:array": [1, 2, 3],
      "v:number": 10,
      "v:float": 1.5,
      "v:bool": true,
      "v:plain": "hello",
    };
    for (const [key, value] of Object.entries(values)) expect(await redis.set(key, value)).toBe("OK");
    for (const [key, value] of Object.entries(values)) expect(await redis.get(key)).toEqual(value);

    // Strings that look like JSON come back parsed; numbers whose text would change stay strings.
    await redis.mset({ "v:007": "007", "v:1.50": "1.50", "v:ten": "10", "v:true": "true", "v:null": "null", "v:big": "12345678901234567890", "v:quoted": '"q"' });
    expect(await redis.mget("v:007", "v:1.50", "v:ten", "v:true", "v:null", "v:big", "v:quoted", "v:missing")).toEqual([
      "007", "1.50", 10, true, null, "12345678901234567890", "q", null,
    ]);
    expect(await redis.exists("v:null", "v:missing")).toBe(1);
  });

  it("sets with NX, XX, GET, KEEPTTL and each expiry form", async () => {
    expect(await redis.set("s:k", "one", { nx: true })).toBe("OK");
    expect(await redis.set("s:k", "two", { nx: true })).toBeNull();
    expect(await redis.set("s:missing", "x", { xx: true })).toBeNull();
    expect(await redis.exists("s:missing")).toBe(0);
    expect(await redis.set("s:k", "three", { xx: true, get: true })).toBe("one");
    expect(await redis.set("s:new", "v", { get: true })).toBeNull();

    await redis.set("s:ex", "v", { ex: 100 });
    expect(await redis.ttl("s:ex")).toSatisfy(secondsLeftOf(100));
    await redis.set("s:px", "v", { px: 100_000 });
    expect(await redis.pttl("s:px")).toBeGreaterThan(90_000);
    await redis.set("s:exat", "v", { exat: Math.floor(Date.now() / 1000) + 1000 });
    expect(await redis.ttl("s:exat")).toBeGreaterThan(900);
    await redis.set("s:ex", "w", { keepTtl: true });
    expect(await redis.ttl("s:ex")).toBeGreaterThan(90);
    await redis.set("s:ex", "x");
    expect(await redis.ttl("s:ex")).toBe(-1);

    expect(await redis.setex("s:setex", 50, "v")).toBe("OK");
    expect(await redis.ttl("s:setex")).toSatisfy(secondsLeftOf(50));
    expect(await redis.psetex("s:psetex", 50_000, "v")).toBe("OK");
    expect(await redis.ttl("s:psetex")).toSatisfy(secondsLeftOf(50));
    await expect(redis.set("s:bad", "v", { ex: 0 })).rejects.toThrow("ERR invalid expire time in 'set' command");
    await expect(redis.setex("s:bad", -5, "v")).rejects.toThrow("ERR invalid expire time in 'setex' command");

    expect(await redis.getdel("s:k")).toBe("three");
    expect(await redis.getdel("s:k")).toBeNull();
  });

  it("lets a key set with PXAT expire", async () => {
    await redis.set("pxat:k", "soon gone", { pxat: Date.now() + 1_500 });
    const remaining = await redis.pttl("pxat:k");
    expect(remaining).toBeLessThanOrEqual(1_500);
    await vi.waitFor(async () => expect(await redis.get("pxat:k")).toBeNull(), { timeout: 10_000, interval: 100 });
    expect(await redis.exists("pxat:k")).toBe(0);
    expect(await redis.ttl("pxat:k")).toBe(-2);
  });

  it("counts with INCR, INCRBY, DECR and DECRBY, refusing non-integers and overflow", async () => {
    expect(await redis.incr("c:n")).toBe(1);
    expect(await redis.incrby("c:n", 41)).toBe(42);
    expect(await redis.decr("c:n")).toBe(41);
    expect(await redis.decrby("c:n", 50)).toBe(-9);
    expect(await redis.get("c:n")).toBe(-9);
    await redis.set("c:word", "abc");
    await expect(redis.incr("c:word")).rejects.toThrow("ERR value is not an integer or out of range");
    await redis.set("c:max", "9223372036854775807");
    await expect(redis.incr("c:max")).rejects.toThrow("ERR increment or decrement would overflow");
    await redis.set("c:ttl", "1", { ex: 100 });
    await redis.incr("c:ttl");
    expect(await redis.ttl("c:ttl")).toSatisfy(secondsLeftOf(100));
  });

  it("deletes, expires and inspects keys", async () => {
    await redis.mset({ "k:a": "1", "k:b": "2", "k:c": "3" });
    expect(await redis.exists("k:a", "k:a", "k:nope")).toBe(2);
    expect(await redis.del("k:a", "k:nope")).toBe(1);
    expect(await redis.ttl("k:a")).toBe(-2);
    expect(await redis.ttl("k:b")).toBe(-1);

    expect(await redis.expire("k:b", 100)).toBe(1);
    expect(await redis.ttl("k:b")).toSatisfy(secondsLeftOf(100));
    expect(await redis.expire("k:b", 50, "GT")).toBe(0);
    expect(await redis.expire("k:b", 50, "LT")).toBe(1);
    expect(await redis.expire("k:b", 10, "NX")).toBe(0);
    expect(await redis.expire("k:nope", 10)).toBe(0);
    expect(await redis.pexpire("k:c", 100_000)).toBe(1);
    expect(await redis.ttl("k:c")).toSatisfy(secondsLeftOf(100));
    expect(await redis.persist("k:c")).toBe(1);
    expect(await redis.persist("k:c")).toBe(0);
    expect(await redis.ttl("k:c")).toBe(-1);
    expect(await redis.expireat("k:c", Math.floor(Date.now() / 1000) + 1000)).toBe(1);
    expect(await redis.ttl("k:c")).toBeGreaterThan(900);
    expect(await redis.pexpireat("k:c", Date.now() + 200_000)).toBe(1);
    expect(await redis.ttl("k:c")).toBeGreaterThan(190);
    expect(await redis.pexpireat("k:c", Date.now() - 1)).toBe(1);
    expect(await redis.exists("k:c")).toBe(0);
    await expect(redis.exec(["expire", "k:b", 10, "NX", "XX"])).rejects.toThrow(
      "ERR NX and XX, GT or LT options at the same time are not compatible",
    );
  });

  it("names each value's type", async () => {
    await redis.set("t:string", "v");
    await redis.hset("t:hash", { f: "v" });
    await redis.sadd("t:set", "m");
    await redis.zadd("t:zset", { score: 1, member: "m" });
    expect(await Promise.all(["t:string", "t:hash", "t:set", "t:zset", "t:none"].map((key) => redis.type(key)))).toEqual([
      "string", "hash", "set", "zset", "none",
    ]);
  });

  it("lists keys by glob with KEYS and SCAN (MATCH, COUNT, TYPE)", async () => {
    await redis.mset({ "g:user:1": "a", "g:user:2": "b", "g:user:10": "c", "g:team:1": "d", "g:[x]": "e" });
    await redis.sadd("g:user:set", "m");
    expect((await redis.keys("g:user:?")).sort()).toEqual(["g:user:1", "g:user:2"]);
    expect((await redis.keys("g:user:[0-9]*")).sort()).toEqual(["g:user:1", "g:user:10", "g:user:2"]);
    expect((await redis.keys("g:user:[^1]")).sort()).toEqual(["g:user:2"]);
    expect(await redis.keys("g:\\[x\\]")).toEqual(["g:[x]"]);

    const seen: string[] = [];
    let cursor = "0";
    let calls = 0;
    do {
      const [next, keys] = await redis.scan(cursor, { match: "g:user:*", count: 2 });
      seen.push(...keys);
      cursor = next;
      calls++;
    } while (cursor !== "0" && calls < 1_000);
    expect(seen.sort()).toEqual(["g:user:1", "g:user:10", "g:user:2", "g:user:set"]);

    const sets: string[] = [];
    cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, { match: "g:*", type: "set", count: 1000 });
      sets.push(...keys);
      cursor = next;
    } while (cursor !== "0");
    expect(sets).toEqual(["g:user:set"]);
  });

  it("keeps hashes with HSET, HGET, HMGET, HGETALL, HDEL and HINCRBY", async () => {
    expect(await redis.hset("h:user", { name: "Ada", visits: 1, profile: { lang: "en" } })).toBe(3);
    expect(await redis.hset("h:user", { name: "Ada L." })).toBe(0);
    expect(await redis.hget("h:user", "name")).toBe("Ada L.");
    expect(await redis.hget("h:user", "missing")).toBeNull();
    expect(await redis.hmget("h:user", "name", "visits", "missing")).toEqual({ name: "Ada L.", visits: 1, missing: null });
    expect(await redis.hgetall("h:user")).toEqual({ name: "Ada L.", visits: 1, profile: { lang: "en" } });
    expect(await redis.hincrby("h:user", "visits", 9)).toBe(10);
    expect(await redis.hincrby("h:user", "new", -3)).toBe(-3);
    await expect(redis.hincrby("h:user", "name", 1)).rejects.toThrow("ERR hash value is not an integer");
    expect(await redis.hdel("h:user", "name", "missing")).toBe(1);
    expect(await redis.hdel("h:user", "visits", "profile", "new")).toBe(3);
    expect(await redis.exists("h:user")).toBe(0);
    expect(await redis.hgetall("h:user")).toBeNull();
  });

  it("keeps sorted sets with ZADD's options, ZSCORE, ZCARD, ZCOUNT, ZREM and ZREMRANGEBYSCORE", async () => {
    expect(await redis.zadd("z:s", { score: 1, member: "a" }, { score: 2, member: "b" }, { score: 3, member: "c" })).toBe(3);
    expect(await redis.zadd("z:s", { nx: true }, { score: 10, member: "a" }, { score: 4, member: "d" })).toBe(1);
    expect(await redis.zscore("z:s", "a")).toBe(1);
    expect(await redis.zadd("z:s", { xx: true, ch: true }, { score: 1.5, member: "a" }, { score: 9, member: "new" })).toBe(1);
    expect(await redis.zscore("z:s", "new")).toBeNull();
    expect(await redis.zadd("z:s", { gt: true, ch: true }, { score: 1, member: "a" })).toBe(0);
    expect(await redis.zadd("z:s", { lt: true, ch: true }, { score: 1.25, member: "a" })).toBe(1);
    expect(await redis.zadd("z:s", { incr: true }, { score: 0.5, member: "a" })).toBe(1.75);
    expect(await redis.zadd("z:s", { incr: true, nx: true }, { score: 1, member: "a" })).toBeNull();
    // The client never sends NX with XX, so this one goes raw.
    await expect(redis.exec(["zadd", "z:s", "nx", "xx", 1, "a"])).rejects.toThrow(
      "ERR XX and NX options at the same time are not compatible",
    );
    expect(await redis.zcard("z:s")).toBe(4);
    expect(await redis.zcard("z:none")).toBe(0);
    expect(await redis.zcount("z:s", "(1.75", "+inf")).toBe(3);
    expect(await redis.zcount("z:s", "-inf", 3)).toBe(3);
    expect(await redis.zrem("z:s", "b", "zz")).toBe(1);
    expect(await redis.zremrangebyscore("z:s", "(3", "+inf")).toBe(1);
    expect(await redis.zrange("z:s", 0, -1, { withScores: true })).toEqual(["a", 1.75, "c", 3]);
    expect(await redis.zremrangebyscore("z:s", "-inf", "+inf")).toBe(2);
    expect(await redis.exists("z:s")).toBe(0);
  });

  it("ranges sorted sets by rank and score, reversed, limited and with scores", async () => {
    await redis.zadd("zr:s", { score: 1, member: "a" }, { score: 2, member: "b" }, { score: 2, member: "c" }, { score: 3, member: "d" }, { score: 5, member: "e" });
    expect(await redis.zrange("zr:s", 0, -1)).toEqual(["a", "b", "c", "d", "e"]);
    expect(await redis.zrange("zr:s", 1, 2, { withScores: true })).toEqual(["b", 2, "c", 2]);
    expect(await redis.zrange("zr:s", 0, 1, { rev: true })).toEqual(["e", "d"]);
    expect(await redis.zrange("zr:s", -2, -1)).toEqual(["d", "e"]);
    expect(await redis.zrange("zr:s", "(1", 3, { byScore: true })).toEqual(["b", "c", "d"]);
    expect(await redis.zrange("zr:s", "+inf", "(2", { byScore: true, rev: true, withScores: true })).toEqual(["e", 5, "d", 3]);
    expect(await redis.zrange("zr:s", "-inf", "+inf", { byScore: true, offset: 1, count: 2 })).toEqual(["b", "c"]);
    expect(await redis.zrange("zr:none", 0, -1)).toEqual([]);

    expect(await redis.exec(["zrangebyscore", "zr:s", "(1", "(5"])).toEqual(["b", "c", "d"]);
    expect(await redis.exec(["zrangebyscore", "zr:s", "-inf", "+inf", "WITHSCORES", "LIMIT", 1, 2])).toEqual(["b", 2, "c", 2]);
    expect(await redis.exec(["zrevrangebyscore", "zr:s", "+inf", "2", "LIMIT", 0, 3])).toEqual(["e", "d", "c"]);
    expect(await redis.exec(["zrevrangebyscore", "zr:s", "(5", "(1", "WITHSCORES"])).toEqual(["d", 3, "c", 2, "b", 2]);
    await expect(redis.exec(["zrangebyscore", "zr:s", "one", "2"])).rejects.toThrow("ERR min or max is not a float");
    await expect(redis.exec(["zrange", "zr:s", "0", "1", "LIMIT", "0", "1"])).rejects.toThrow(
      "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX",
    );
  });

  it("keeps sets with SADD, SREM, SMEMBERS, SISMEMBER and SCARD", async () => {
    expect(await redis.sadd("st:s", "x", "y", "z", "x")).toBe(3);
    expect(await redis.sadd("st:s", "x", "w")).toBe(1);
    expect((await redis.smembers("st:s")).sort()).toEqual(["w", "x", "y", "z"]);
    expect(await redis.sismember("st:s", "y")).toBe(1);
    expect(await redis.sismember("st:s", "q")).toBe(0);
    expect(await redis.scard("st:s")).toBe(4);
    expect(await redis.srem("st:s", "x", "y", "q")).toBe(2);
    expect(await redis.scard("st:s")).toBe(2);
    expect(await redis.srem("st:s", "w", "z")).toBe(2);
    expect(await redis.exists("st:s")).toBe(0);
    expect(await redis.smembers("st:s")).toEqual([]);
  });

  it("answers PING, ECHO, TIME, DBSIZE, FLUSHDB and FLUSHALL", async () => {
    expect(await redis.ping()).toBe("PONG");
    expect(await redis.ping(["hi there"])).toBe("hi there");
    expect(await redis.echo("echo ✓")).toBe("echo ✓");
    const [seconds, micros] = await redis.time();
    expect(Math.abs(seconds - Date.now() / 1000)).toBeLessThan(3_600);
    expect(micros).toBeGreaterThanOrEqual(0);
    expect(micros).toBeLessThan(1_000_000);

    expect(await redis.flushdb()).toBe("OK");
    expect(await redis.dbsize()).toBe(0);
    await redis.mset({ "f:a": 1, "f:b": 2 });
    await redis.hset("f:h", { x: 1 });
    expect(await redis.dbsize()).toBe(3);
    expect(await redis.flushall()).toBe("OK");
    expect(await redis.dbsize()).toBe(0);
  });

  it("runs an explicit pipeline in order, surfacing a failed entry", async () => {
    await redis.set("p:word", "abc");
    const pipeline = redis.pipeline().set("p:a", 1).incr("p:a").incr("p:word").get("p:a");
    await expect(pipeline.exec()).rejects.toThrow("Command 3 [ incr ] failed: ERR value is not an integer or out of range");
    const kept = await redis.pipeline().set("p:b", "x").incr("p:word").get("p:b").exec({ keepErrors: true });
    expect(kept).toEqual([
      { result: "OK", error: undefined },
      { result: undefined, error: "ERR value is not an integer or out of range" },
      { result: "x", error: undefined },
    ]);
    expect(await redis.get("p:a")).toBe(2);
  });

  it("runs MULTI/EXEC: a runtime error stays in its entry, a queueing error discards everything", async () => {
    expect(await redis.multi().set("m:t", 1).incr("m:t").get("m:t").exec()).toEqual(["OK", 2, 2]);

    await redis.set("m:word", "abc");
    const results = await redis.multi().incr("m:word").set("m:after", "applied").exec({ keepErrors: true });
    expect(results[0]?.error).toBe("ERR value is not an integer or out of range");
    expect(await redis.get("m:after")).toBe("applied");

    // HSET with no field is refused while queueing (wrong arity), so the SET before it never happens.
    const aborted = redis.multi().set("m:never", "x").hset("m:h", {}).exec();
    await expect(aborted).rejects.toThrow("EXECABORT Transaction discarded because of previous errors.");
    expect(await redis.exists("m:never")).toBe(0);
  });

  it("batches a burst of 50 concurrent commands into auto-pipelines", async () => {
    const requests: string[][] = [];
    const batching = new Redis({ url: standIn.server.url, token: TOKEN });
    batching.use((request, next) => {
      requests.push(request.path ?? []);
      return next(request);
    });
    const burst = Array.from({ length: 50 }, (_, index) => (index % 2 === 0 ? batching.incr("burst:n") : batching.get<number>("burst:n")));
    const results = await Promise.all(burst);
    expect(requests.length).toBeLessThanOrEqual(2);
    expect(requests.every((path) => path.join("/") === "pipeline")).toBe(true);
    const increments = results.filter((_, index) => index % 2 === 0);
    expect(increments).toEqual(Array.from({ length: 25 }, (_, index) => index + 1));
    expect(await batching.get("burst:n")).toBe(25);
  });

  it("refuses a wrong or missing token with 401", async () => {
    const intruder = new Redis({ url: standIn.server.url, token: "not-the-token" });
    await expect(intruder.get("v:plain")).rejects.toThrow("WRONGPASS invalid or missing auth token");
    await expect(intruder.scan(0)).rejects.toThrow("WRONGPASS");
    const response = await fetch(`${standIn.server.url}/`, { method: "POST", body: JSON.stringify(["PING"]) });
    expect(response.status).toBe(401);
    expect(await response.json()).toEqual({ error: "WRONGPASS invalid or missing auth token" });
  });

  it("reports Redis errors: unknown command, wrong arity, WRONGTYPE, syntax", async () => {
    await expect(redis.exec(["nope", "a", "b"])).rejects.toThrow("ERR unknown command 'nope', with args beginning with: 'a' 'b' ");
    await expect(redis.exec(["get"])).rejects.toThrow("ERR wrong number of arguments for 'get' command");
    await redis.hset("e:hash", { f: 1 });
    await redis.set("e:string", "v");
    const wrongType = "WRONGTYPE Operation against a key holding the wrong kind of value";
    await expect(redis.get("e:hash")).rejects.toThrow(wrongType);
    await expect(redis.hget("e:string", "f")).rejects.toThrow(wrongType);
    await expect(redis.zadd("e:string", { score: 1, member: "m" })).rejects.toThrow(wrongType);
    await expect(redis.sadd("e:hash", "m")).rejects.toThrow(wrongType);
    await expect(redis.exec(["set", "e:k", "v", "EX", "10", "PX", "10"])).rejects.toThrow("ERR syntax error");
  });

  it("refuses Lua scripts with a clear error", async () => {
    await expect(redis.eval("return 1", [], [])).rejects.toThrow("'eval' is not supported by the local Upstash stand-in");
    await expect(redis.evalsha("0".repeat(40), [], [])).rejects.toThrow("'evalsha' is not supported");
    await expect(redis.exec(["script", "load", "return 1"])).rejects.toThrow("'script' is not supported");
  });

  it("encodes results as base64 of their bytes, except a top-level OK, numbers, null and errors", async () => {
    const encoded = { "upstash-encoding": "base64" };
    const server = standIn.server;
    expect(await (await post(server, "/", ["SET", "w:k", "bar"], encoded)).json()).toEqual({ result: "OK" });
    expect(await (await post(server, "/", ["GET", "w:k"], encoded)).json()).toEqual({ result: "YmFy" });
    expect(await (await post(server, "/", ["GET", "w:k"])).json()).toEqual({ result: "bar" });
    expect(await (await post(server, "/", ["INCR", "w:n"], encoded)).json()).toEqual({ result: 1 });
    expect(await (await post(server, "/", ["GET", "w:missing"], encoded)).text()).toBe('{"result":null}');
    expect(await (await post(server, "/", ["MGET", "w:k", "w:missing"], encoded)).json()).toEqual({ result: ["YmFy", null] });
    expect(await (await post(server, "/", ["PING"], encoded)).json()).toEqual({ result: base64("PONG") });

    const emoji = "ünïcødé 👋 \u0000 nul";
    await post(server, "/", ["SET", "w:emoji", emoji], encoded);
    expect(await (await post(server, "/", ["GET", "w:emoji"], encoded)).json()).toEqual({ result: base64(emoji) });

    const scan = (await (await post(server, "/", ["SCAN", "0", "MATCH", "w:k", "COUNT", "1000"], encoded)).json()) as { result: [string, string[]] };
    expect(scan.result).toEqual([base64("0"), [base64("w:k")]]);

    const pipeline = await post(server, "/pipeline", [["SET", "w:p", "1"], ["INCR", "w:k"], ["GET", "w:p"]], encoded);
    expect(pipeline.status).toBe(200);
    expect(await pipeline.json()).toEqual([{ result: "OK" }, { error: "ERR value is not an integer or out of range" }, { result: base64("1") }]);

    const transaction = await post(server, "/multi-exec", [["SET", "w:t", "1"], ["INCR", "w:t"], ["MGET", "w:t"]], encoded);
    expect(await transaction.json()).toEqual([{ result: "OK" }, { result: 2 }, { result: [base64("2")] }]);

    const aborted = await post(server, "/multi-exec", [["SET", "w:never", "1"], ["GET"]], encoded);
    expect(aborted.status).toBe(400);
    expect(await aborted.json()).toEqual({ error: "EXECABORT Transaction discarded because of previous errors." });

    const failed = await post(server, "/", ["INCR", "w:k"], encoded);
    expect(failed.status).toBe(400);
    expect(await failed.json()).toEqual({ error: "ERR value is not an integer or out of range" });
  });
}
