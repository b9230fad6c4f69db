import { mkdtemp, readdir, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it, vi } from "vitest";
import { createRedisStore } from "../../../dev/upstash/redis-store-factory";
import { replyAsText, startStandIn } from "./stand-in-fixture";

async function snapshotPath(): Promise<string> {
  return join(await mkdtemp(join(tmpdir(), "upstash-embedded-")), "nested", "upstash.json");
}

describe("embedded store persistence", () => {
  it("keeps every type and its TTL across close and reopen, through the official client", async () => {
    const file = await snapshotPath();
    const first = await startStandIn(await createRedisStore({ redisUrl: undefined, file }));
    await first.redis.set("p:string", { kept: "héllo 👋" }, { ex: 1_000 });
    await first.redis.hset("p:hash", { a: 1, b: "two" });
    await first.redis.sadd("p:set", "x", "y");
    await first.redis.zadd("p:zset", { score: 1.5, member: "m" }, { score: 2, member: "n" });
    await first.redis.exec(["zadd", "p:zset", "-inf", "low"]);
    await first.redis.set("p:short", "gone after the restart", { px: 200 });
    await first.close();
    await new Promise((resolve) => setTimeout(resolve, 250));

    const second = await startStandIn(await createRedisStore({ redisUrl: undefined, file }));
    try {
      expect(await second.redis.get("p:string")).toEqual({ kept: "héllo 👋" });
      expect(await second.redis.ttl("p:string")).toBeGreaterThan(900);
      expect(await second.redis.hgetall("p:hash")).toEqual({ a: 1, b: "two" });
      expect((await second.redis.smembers("p:set")).sort()).toEqual(["x", "y"]);
      expect(await second.redis.zrange("p:zset", 0, -1, { withScores: true })).toEqual(["low", "-inf", "m", 1.5, "n", 2]);
      expect(await second.redis.exists("p:short")).toBe(0);
      expect(await second.redis.dbsize()).toBe(4);
    } finally {
      await second.close();
    }
  });

  it("writes changes soon after they happen, without waiting for close, through a temporary file and a rename", async () => {
    const file = await snapshotPath();
    const store = await createRedisStore({ redisUrl: undefined, file });
    try {
      await store.execute(["SET", "w:k", "v1"]);
      await vi.waitFor(async () => expect(await readFile(file, "utf8")).toContain('"w:k"'), { timeout: 5_000, interval: 20 });
      await store.execute(["SET", "w:k", "v2"]);
      await vi.waitFor(async () => expect(await readFile(file, "utf8")).toContain('"v2"'), { timeout: 5_000, interval: 20 });

      const reader = await createRedisStore({ redisUrl: undefined, file });
      expect(replyAsText(await reader.execute(["GET", "w:k"]))).toBe("v2");
      await reader.close();
      expect(await readdir(join(file, ".."))).toEqual(["upstash.json"]);
    } finally {
      await store.close();
    }
  });

  it("removes expired keys nobody reads (the periodic sweep), and the file follows", async () => {
    const file = await snapshotPath();
    const store = await createRedisStore({ redisUrl: undefined, file });
    try {
      await store.execute(["SET", "sweep:short", "v", "PX", "300"]);
      await store.execute(["SET", "sweep:long", "v"]);
      await vi.waitFor(async () => expect(await readFile(file, "utf8")).toContain("sweep:short"), { timeout: 5_000, interval: 20 });
      await vi.waitFor(async () => expect(await readFile(file, "utf8")).not.toContain("sweep:short"), { timeout: 10_000, interval: 100 });
      expect(await readFile(file, "utf8")).toContain("sweep:long");
    } finally {
      await store.close();
    }
  });

  it("refuses to start on an unreadable file, and leaves it alone", async () => {
    const file = await snapshotPath();
    const store = await createRedisStore({ redisUrl: undefined, file });
    await store.execute(["SET", "k", "v"]);
    await store.close();
    await writeFile(file, '{"format":"something else"}');
    await expect(createRedisStore({ redisUrl: undefined, file })).rejects.toThrow(`the embedded Redis snapshot ${file} is not readable`);
    expect(await readFile(file, "utf8")).toBe('{"format":"something else"}');
  });

  it("keeps nothing on disk without a file", async () => {
    const store = await createRedisStore({ redisUrl: undefined, file: undefined });
    await store.execute(["SET", "k", "v"]);
    await store.close();
    const reopened = await createRedisStore({ redisUrl: undefined, file: undefined });
    expect(await reopened.execute(["EXISTS", "k"])).toBe(0);
    await reopened.close();
  });
});
