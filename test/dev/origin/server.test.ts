import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startDemoOrigin } from "../../../dev/origin/server";
import type { RunningServer } from "../../../dev/support/http-server";

let origin: RunningServer;

beforeAll(async () => {
  origin = await startDemoOrigin({ port: 0 });
});
afterAll(() => origin.close());

describe("demo origin", () => {
  it("echoes method, raw path, raw query and every header it received", async () => {
    const response = await fetch(`${origin.url}/api/a%20b/items?x=1&y=two%20words`, {
      headers: { "X-Portcullis-User": "user-123", Authorization: "Bearer forwarded" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("application/json");
    const echo = await response.json();
    expect(echo).toMatchObject({ method: "GET", path: "/api/a%20b/items", query: "x=1&y=two%20words", body_bytes: 0 });
    expect(echo.headers).toMatchObject({ "x-portcullis-user": "user-123", authorization: "Bearer forwarded", host: `127.0.0.1:${origin.port}` });
    expect(Object.keys(echo.headers).every((name) => name === name.toLowerCase())).toBe(true);
  });

  it.each(["POST", "PUT", "PATCH", "DELETE", "OPTIONS"])("answers %s with 200 and the echo", async (method) => {
    const response = await fetch(`${origin.url}/anything`, { method });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ method, path: "/anything", query: "" });
  });

  it("counts a 1 MiB body byte for byte", async () => {
    const response = await fetch(`${origin.url}/upload`, { method: "POST", body: new Uint8Array(1024 * 1024) });
    expect(await response.json()).toMatchObject({ method: "POST", body_bytes: 1024 * 1024 });
  });

  it("counts a streamed body sent in chunks without a length", async () => {
    const chunk = new Uint8Array(64 * 1024);
    let sent = 0;
    const body = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent === 40) controller.close();
        else {
          sent += 1;
          controller.enqueue(chunk);
        }
      },
    });
    const response = await fetch(`${origin.url}/stream`, { method: "PUT", body, duplex: "half" } as RequestInit & { duplex: "half" });
    const echo = await response.json();
    expect(echo.body_bytes).toBe(40 * 64 * 1024);
    expect(echo.headers["transfer-encoding"]).toBe("chunked");
  });
});
