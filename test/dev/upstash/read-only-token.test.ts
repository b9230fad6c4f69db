import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openEmbeddedStore } from "../../../dev/upstash/embedded/embedded-store";
import type { RunningServer } from "../../../dev/support/http-server";
import { startUpstashServer } from "../../../dev/upstash/server";
import type { RedisStore } from "../../../dev/upstash/redis-store";

const TOKEN = "full-access-token-for-the-issuer";
const READ_ONLY = "read-only-token-for-the-gates";

describe("the stand-in's read-only token, as Upstash's", () => {
  let store: RedisStore;
  let server: RunningServer;

  beforeAll(async () => {
    store = await openEmbeddedStore({ file: undefined });
    server = await startUpstashServer({ port: 0, token: TOKEN, readOnlyToken: READ_ONLY, store });
    await store.execute(["ZADD", "rv:log", "1", "s|ses_a|9"]);
  });

  afterAll(async () => {
    await server.close();
    await store.close();
  });

  function send(path: string, token: string, body: unknown): Promise<Response> {
    return fetch(`${server.url}${path}`, { method: "POST", headers: { authorization: `Bearer ${token}` }, body: JSON.stringify(body) });
  }

  it("reads the revocation log and keys, as a gate does", async () => {
    const response = await send("/pipeline", READ_ONLY, [["ZRANGE", "rv:log", "0", "+inf", "BYSCORE"], ["MGET", "rv:s:x", "rv:u:y"], ["TIME"]]);
    expect(response.status).toBe(200);
    const entries = (await response.json()) as { result?: unknown; error?: string }[];
    expect(entries.map((entry) => entry.error)).toEqual([undefined, undefined, undefined]);
    expect(entries[0]?.result).toEqual(["s|ses_a|9"]);
  });

  it.each([
    ["a single write", "/", ["ZREMRANGEBYSCORE", "rv:log", "0", "+inf"]],
    ["a write inside a pipeline", "/pipeline", [["GET", "k"], ["DEL", "rv:log"]]],
    ["a write inside a transaction", "/multi-exec", [["SET", "rv:s:x", "1"]]],
    ["a keyspace walk", "/", ["KEYS", "*"]],
    ["a command the stand-in does not know", "/", ["UNLINK", "rv:log"]],
  ])("refuses %s, and deletes no revocation", async (_case, path, body) => {
    const response = await send(path, READ_ONLY, body);
    expect(response.status).toBe(400);
    expect(((await response.json()) as { error: string }).error).toMatch(/^NOPERM this user has no permissions to run the '[a-z]+' command$/);
    expect(await store.execute(["ZCARD", "rv:log"])).toBe(1);
  });

  it("lets the full token write", async () => {
    const response = await send("/", TOKEN, ["SET", "written", "1"]);
    expect(response.status).toBe(200);
  });
});
