import { createHash } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { BREACHED_PASSWORDS_TIMEOUT_MS, rangeApiBreachCheck } from "../../../../shared/adapters/breached-passwords/range-api";
import { freePort } from "../../../../dev/support/free-port";
import type { Logger } from "../../../../shared/logging/logger";

const sha1 = (text: string): string => createHash("sha1").update(text, "utf8").digest("hex").toUpperCase();

/** The corpus the local API knows: full SHA-1 → times seen. */
const CORPUS = new Map<string, number>([
  [sha1("P@ssw0rd-from-a-breach"), 52_000],
  [sha1("summer-in-lisbon-2019"), 3],
]);
const CLEAN = "a password in no breach at all";

type Mode = "up" | "padded" | "lower-case" | "status-503" | "status-429" | "html" | "empty" | "huge" | "stall-headers" | "stall-body";

interface Seen {
  readonly url: string;
  readonly method: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

let mode: Mode = "up";
const seen: Seen[] = [];
const stalled: ServerResponse[] = [];
let server: Server;
let baseUrl = "";

/** A range API as Have I Been Pwned's: suffixes under the prefix, CRLF lines, padding lines of count 0 when asked. */
function rangeReply(prefix: string, padding: boolean, padSuffixOf: string | null): string {
  const lines = [...CORPUS].filter(([hash]) => hash.startsWith(prefix)).map(([hash, count]) => `${hash.slice(5)}:${count}`);
  for (let index = 0; index < 400; index++) lines.push(`${createHash("sha1").update(`filler-${prefix}-${index}`).digest("hex").toUpperCase().slice(5)}:${10 + index}`);
  if (padding) {
    for (let index = 0; index < 200; index++) lines.push(`${createHash("sha1").update(`padding-${prefix}-${index}`).digest("hex").toUpperCase().slice(5)}:0`);
    if (padSuffixOf) lines.push(`${padSuffixOf.slice(5)}:0`);
  }
  return lines.join("\r\n");
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = "";
    request.on("data", (chunk: Buffer) => (body += chunk.toString()));
    request.on("end", () => {
      seen.push({ url: request.url ?? "", method: request.method ?? "", headers: request.headers, body });
      const prefix = /^\/range\/([0-9A-F]{5})$/.exec(request.url ?? "")?.[1];
      if (!prefix) return response.writeHead(404).end("not found");
      const padding = request.headers["add-padding"] === "true";
      switch (mode) {
        case "up":
          return response.writeHead(200, { "content-type": "text/plain" }).end(rangeReply(prefix, padding, null));
        case "padded":
          return response.writeHead(200, { "content-type": "text/plain" }).end(rangeReply(prefix, padding, sha1(CLEAN)));
        case "lower-case":
          return response.writeHead(200, { "content-type": "text/plain" }).end(rangeReply(prefix, padding, null).toLowerCase());
        case "status-503":
          return response.writeHead(503).end("Service Unavailable");
        case "status-429":
          return response.writeHead(429, { "retry-after": "2" }).end("Rate limit exceeded");
        case "html":
          return response.writeHead(200, { "content-type": "text/html" }).end("<!doctype html><title>Just a moment...</title>");
        case "empty":
          return response.writeHead(200, { "content-type": "text/plain" }).end("");
        case "huge":
          return response.writeHead(200, { "content-type": "text/plain" }).end(`${"0".repeat(35)}:1\r\n`.repeat(40_000));
        case "stall-headers":
          stalled.push(response);
          return;
        case "stall-body":
          response.writeHead(200, { "content-type": "text/plain" });
          response.write(`${"A".repeat(35)}:0\r\n`);
          stalled.push(response);
          return;
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  for (const response of stalled) response.destroy();
  await new Promise((resolve) => server.close(resolve));
});

beforeEach(() => {
  mode = "up";
  seen.length = 0;
});

function recordingLogger(): Logger & { lines: { level: string; event: string; fields: Record<string, unknown> }[] } {
  const lines: { level: string; event: string; fields: Record<string, unknown> }[] = [];
  const at = (level: string) => (event: string, fields: Record<string, unknown> = {}) => lines.push({ level, event, fields });
  return { lines, debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

const check = (logger?: Logger, timeoutMs = BREACHED_PASSWORDS_TIMEOUT_MS) => rangeApiBreachCheck({ baseUrl, timeoutMs, ...(logger ? { logger } : {}) });

describe("the range API breach check", () => {
  it("finds a password in the corpus", async () => {
    expect(await check().isBreached("P@ssw0rd-from-a-breach")).toBe("breached");
    expect(await check().isBreached("summer-in-lisbon-2019")).toBe("breached");
  });

  it("answers not_found for a password in no breach", async () => {
    expect(await check().isBreached(CLEAN)).toBe("not_found");
  });

  it("asks with padding on, and a padding line (count 0) for the very suffix does not count as breached", async () => {
    mode = "padded";
    expect(await check().isBreached(CLEAN)).toBe("not_found");
    expect(seen[0]?.headers["add-padding"]).toBe("true");
  });

  it("matches suffixes whatever their case", async () => {
    mode = "lower-case";
    expect(await check().isBreached("P@ssw0rd-from-a-breach")).toBe("breached");
  });

  it("sends only the first five hex digits of the SHA-1: no password, no rest of the hash, in path, query, headers or body", async () => {
    const password = "P@ssw0rd-from-a-breach";
    const hash = sha1(password);
    await check().isBreached(password);
    expect(seen).toHaveLength(1);
    const request = seen[0];
    expect(request?.method).toBe("GET");
    expect(request?.url).toBe(`/range/${hash.slice(0, 5)}`);
    expect(request?.body).toBe("");
    const everything = JSON.stringify(request).toUpperCase();
    expect(everything).not.toContain(hash.slice(5, 15));
    expect(everything).not.toContain(password.toUpperCase());
  });

  it("accepts a base URL written with a trailing slash", async () => {
    expect(await rangeApiBreachCheck({ baseUrl: `${baseUrl}/`, timeoutMs: BREACHED_PASSWORDS_TIMEOUT_MS }).isBreached("P@ssw0rd-from-a-breach")).toBe("breached");
    expect(seen[0]?.url).toMatch(/^\/range\/[0-9A-F]{5}$/);
  });

  it("answers unavailable when the API is down (connection refused), and logs it without the password or its hash", async () => {
    const logger = recordingLogger();
    const password = "P@ssw0rd-from-a-breach";
    const down = rangeApiBreachCheck({ baseUrl: `http://127.0.0.1:${await freePort()}`, timeoutMs: BREACHED_PASSWORDS_TIMEOUT_MS, logger });
    expect(await down.isBreached(password)).toBe("unavailable");
    expect(logger.lines).toEqual([{ level: "warn", event: "breached_passwords_unavailable", fields: { reason: "network_error" } }]);
    const logged = JSON.stringify(logger.lines).toUpperCase();
    expect(logged).not.toContain(password.toUpperCase());
    expect(logged).not.toContain(sha1(password).slice(0, 5));
  });

  it("answers unavailable when the API never answers (a timeout, not a hung sign-up)", async () => {
    mode = "stall-headers";
    const logger = recordingLogger();
    expect(await check(logger, 300).isBreached(CLEAN)).toBe("unavailable");
    expect(logger.lines[0]?.fields).toEqual({ reason: "timeout" });
  });

  it("answers unavailable when the API sends headers and then stalls mid-body", async () => {
    mode = "stall-body";
    const logger = recordingLogger();
    expect(await check(logger, 300).isBreached(CLEAN)).toBe("unavailable");
    expect(logger.lines[0]?.fields).toEqual({ reason: "timeout" });
  });

  it.each([
    ["status-503", "http_503"],
    ["status-429", "http_429"],
    ["html", "malformed_reply"],
    ["empty", "empty_reply"],
    ["huge", "reply_too_large"],
  ] as const)("answers unavailable, never breached or not_found, for a garbage reply (%s)", async (garbage, reason) => {
    mode = garbage;
    const logger = recordingLogger();
    expect(await check(logger).isBreached("P@ssw0rd-from-a-breach")).toBe("unavailable");
    expect(logger.lines).toEqual([{ level: "warn", event: "breached_passwords_unavailable", fields: { reason } }]);
  });
});
