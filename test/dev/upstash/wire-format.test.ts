import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { openEmbeddedStore } from "../../../dev/upstash/embedded/embedded-store";
import { MAX_REQUEST_BYTES } from "../../../dev/upstash/server";
import { post, startStandIn, TOKEN, type StandIn } from "./stand-in-fixture";

describe("Upstash stand-in wire format", () => {
  let standIn: StandIn;
  let url: string;
  const authorized = { authorization: `Bearer ${TOKEN}` };

  beforeAll(async () => {
    standIn = await startStandIn(await openEmbeddedStore({ file: undefined }));
    url = standIn.server.url;
  });

  afterAll(async () => {
    await standIn.close();
  });

  describe("authentication", () => {
    it.each([
      ["no Authorization header", {}],
      ["another scheme", { authorization: `Basic ${TOKEN}` }],
      ["a wrong token", { authorization: "Bearer wrong" }],
      ["the token with a suffix", { authorization: `Bearer ${TOKEN}x` }],
      ["a prefix of the token", { authorization: `Bearer ${TOKEN.slice(0, -1)}` }],
      ["an empty token", { authorization: "Bearer " }],
    ])("answers 401 to %s, before running anything", async (_case, headers: Record<string, string>) => {
      const response = await fetch(`${url}/pipeline`, { method: "POST", headers, body: JSON.stringify([["SET", "auth:k", "v"]]) });
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: "WRONGPASS invalid or missing auth token" });
      expect(await standIn.store.execute(["EXISTS", "auth:k"])).toBe(0);
    });

    it("reads the Bearer scheme case-insensitively", async () => {
      const response = await fetch(`${url}/`, { method: "POST", headers: { authorization: `bearer ${TOKEN}` }, body: '["PING"]' });
      expect(await response.json()).toEqual({ result: "PONG" });
    });
  });

  describe("bodies", () => {
    it("turns JSON numbers and booleans into the text Redis receives", async () => {
      await post(standIn.server, "/pipeline", [["SET", "b:bool", true], ["SET", "b:float", 1.5], ["SET", "b:int", "v", "EX", 100]]);
      const response = await post(standIn.server, "/pipeline", [["GET", "b:bool"], ["GET", "b:float"], ["TTL", "b:int"]]);
      const [bool, float, ttl] = (await response.json()) as [unknown, unknown, { result: number }];
      expect([bool, float]).toEqual([{ result: "true" }, { result: "1.5" }]);
      expect(ttl.result).toBeGreaterThan(95);
    });

    it.each([
      ["invalid JSON", "/", "[\"GET\"", "ERR the request body is not valid JSON"],
      ["an object", "/", "{}", 'ERR a command must be a non-empty JSON array, e.g. ["GET","key"]'],
      ["an empty command", "/", "[]", 'ERR a command must be a non-empty JSON array, e.g. ["GET","key"]'],
      ["a nested array argument", "/", '["GET",["k"]]', "ERR command arguments must be JSON strings, numbers or booleans"],
      ["a null argument", "/", '["SET","k",null]', "ERR command arguments must be JSON strings, numbers or booleans"],
      ["a pipeline that is not an array", "/pipeline", '{"cmd":"GET"}', 'ERR the body must be a JSON array of commands, e.g. [["SET","k","v"],["GET","k"]]'],
      ["a pipeline with one bad command", "/pipeline", '[["SET","bad:k","v"],"GET"]', 'ERR a command must be a non-empty JSON array, e.g. ["GET","key"]'],
      ["a transaction with one bad command", "/multi-exec", '[["SET","bad:k","v"],[{}]]', "ERR command arguments must be JSON strings, numbers or booleans"],
    ])("answers 400 to %s", async (_case, path, body, error) => {
      const response = await post(standIn.server, path, body);
      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({ error });
      expect(await standIn.store.execute(["EXISTS", "bad:k"])).toBe(0);
    });

    it("answers 413 to a body over the size cap", async () => {
      const response = await post(standIn.server, "/", JSON.stringify(["SET", "big:k", "x".repeat(MAX_REQUEST_BYTES)]));
      expect(response.status).toBe(413);
      expect(await standIn.store.execute(["EXISTS", "big:k"])).toBe(0);
    });

    it("takes a body whatever its Content-Type, as curl sends it", async () => {
      const response = await fetch(`${url}/`, { method: "POST", headers: { ...authorized, "content-type": "text/plain" }, body: '["ECHO","plain"]' });
      expect(await response.json()).toEqual({ result: "plain" });
    });

    it("answers an empty pipeline or transaction with an empty array", async () => {
      expect(await (await post(standIn.server, "/pipeline", [])).json()).toEqual([]);
      expect(await (await post(standIn.server, "/multi-exec", [])).json()).toEqual([]);
    });
  });

  describe("routes and methods", () => {
    it("runs the path form: segments are arguments, then the body, then query parameters", async () => {
      const get = (path: string) => fetch(`${url}${path}`, { headers: authorized }).then((response) => response.json());
      expect(await get("/set/path:foo/bar")).toEqual({ result: "OK" });
      expect(await get("/get/path:foo")).toEqual({ result: "bar" });
      expect(await get("/set/path%3Aslash%2Fkey/a%20b")).toEqual({ result: "OK" });
      expect(await get("/get/path:slash%2Fkey/")).toEqual({ result: "a b" });
      const posted = await fetch(`${url}/set/path:posted?EX=100`, { method: "POST", headers: authorized, body: "from the body" });
      expect(await posted.json()).toEqual({ result: "OK" });
      expect(await get("/get/path:posted")).toEqual({ result: "from the body" });
      expect(((await get("/ttl/path:posted")) as { result: number }).result).toBeGreaterThan(95);
      const unknown = await fetch(`${url}/foo/bar`, { headers: authorized });
      expect(unknown.status).toBe(400);
      expect(await unknown.json()).toEqual({ error: "ERR unknown command 'foo', with args beginning with: 'bar' " });
    });

    it("answers GET / without a command with 400, and HEAD with headers only", async () => {
      const bare = await fetch(`${url}/`, { headers: authorized });
      expect(bare.status).toBe(400);
      const head = await fetch(`${url}/ping`, { method: "HEAD", headers: authorized });
      expect(head.status).toBe(200);
      expect(await head.text()).toBe("");
    });

    it("answers 405 to methods Upstash does not allow, and to GET on /pipeline and /multi-exec", async () => {
      const deleted = await fetch(`${url}/`, { method: "DELETE", headers: authorized });
      expect(deleted.status).toBe(405);
      expect(deleted.headers.get("allow")).toBe("GET, HEAD, POST, PUT");
      for (const path of ["/pipeline", "/multi-exec"]) {
        const response = await fetch(`${url}${path}`, { headers: authorized });
        expect(response.status).toBe(405);
        expect(response.headers.get("allow")).toBe("POST");
      }
    });

    it("answers 404 to the streaming endpoints it does not serve", async () => {
      for (const path of ["/monitor", "/subscribe/news", "/psubscribe/n*"]) {
        const response = await fetch(`${url}${path}`, { headers: authorized });
        expect(response.status).toBe(404);
        expect(((await response.json()) as { error: string }).error).toContain("not served by the local Upstash stand-in");
      }
    });
  });

  it("sends a fresh upstash-sync-token on every response and accepts an empty one", async () => {
    const first = await post(standIn.server, "/", ["PING"], { "upstash-sync-token": "" });
    const second = await post(standIn.server, "/", ["PING"], { "upstash-sync-token": first.headers.get("upstash-sync-token") ?? "" });
    expect(first.status).toBe(200);
    expect(first.headers.get("content-type")).toBe("application/json");
    expect(first.headers.get("upstash-sync-token")).toBeTruthy();
    expect(second.headers.get("upstash-sync-token")).not.toBe(first.headers.get("upstash-sync-token"));
  });

  it("answers 500 with a JSON body when the store is down", async () => {
    const broken = await startStandIn(await openEmbeddedStore({ file: undefined }));
    await broken.store.close();
    const logged = vi.spyOn(console, "error").mockImplementation(() => undefined);
    try {
      const response = await post(broken.server, "/", ["PING"]);
      expect(response.status).toBe(500);
      expect(await response.json()).toEqual({ error: "internal error in local stand-in" });
      expect(logged).toHaveBeenCalledOnce();
    } finally {
      logged.mockRestore();
      await broken.server.close();
    }
  });
});
