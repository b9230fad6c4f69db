import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createJsonApp, resource } from "../../../shared/http/create-app";
import { MAX_BODY_BYTES, readJsonBody } from "../../../shared/http/json-body";
import { failureToResponse } from "../../../shared/http/error-body";

/** A probe app built from the same shared conventions the workers use, run here inside workerd. */
function probeApp() {
  const logged: Record<string, unknown>[] = [];
  const app = createJsonApp<{ Bindings: Record<string, never> }>({ error: (_event, fields) => logged.push(fields) });
  resource(app, "/echo", {
    POST: async (c) => {
      const body = await readJsonBody(c);
      return body.ok ? c.json({ received: body.value }) : failureToResponse(body.error);
    },
  });
  resource(app, "/boom", {
    GET: () => {
      throw new Error("Failed query: select secret from t\nparams: +447700900123,hunter2");
    },
  });
  return { app, logged };
}

const json = (body: string, headers: Record<string, string> = {}) => ({
  method: "POST",
  body,
  headers: { "Content-Type": "application/json", ...headers },
});

describe("shared HTTP conventions", () => {
  it("answers an unknown route with 404 not_found in the error shape", async () => {
    const response = await exports.default.fetch("http://issuer.test/no/such/route");
    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({ error: { code: "not_found", message: expect.any(String) } });
  });

  it("answers a known route with the wrong method with 405 and an Allow header", async () => {
    const response = await exports.default.fetch("http://issuer.test/health", { method: "DELETE" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
    expect(((await response.json<{ error: { code: string } }>())).error.code).toBe("method_not_allowed");
  });

  it("echoes a sane X-Request-Id and replaces an insane one", async () => {
    const sane = await exports.default.fetch("http://issuer.test/nope", { headers: { "X-Request-Id": "abc-123.DEF:9" } });
    expect(sane.headers.get("X-Request-Id")).toBe("abc-123.DEF:9");
    const injected = await exports.default.fetch("http://issuer.test/nope", { headers: { "X-Request-Id": "x<script>" } });
    expect(injected.headers.get("X-Request-Id")).toMatch(/^req_[0-9a-z]{26}$/);
    const long = await exports.default.fetch("http://issuer.test/nope", { headers: { "X-Request-Id": "a".repeat(129) } });
    expect(long.headers.get("X-Request-Id")).toMatch(/^req_/);
    const missing = await exports.default.fetch("http://issuer.test/nope");
    expect(missing.headers.get("X-Request-Id")).toMatch(/^req_/);
  });

  it("refuses a body that is not application/json with 415", async () => {
    const { app } = probeApp();
    const response = await app.request("/echo", { method: "POST", body: "{}", headers: { "Content-Type": "text/plain" } });
    expect(response.status).toBe(415);
    expect(((await response.json<{ error: { code: string } }>())).error.code).toBe("unsupported_media_type");
    const missing = await app.request("/echo", { method: "POST", body: "{}" });
    expect(missing.status).toBe(415);
  });

  it("accepts application/json with a utf-8 charset", async () => {
    const { app } = probeApp();
    const response = await app.request("/echo", json('{"a":1}', { "Content-Type": "application/json; charset=UTF-8" }));
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ received: { a: 1 } });
  });

  it("refuses malformed JSON with 400 invalid_json", async () => {
    const { app } = probeApp();
    const response = await app.request("/echo", json('{"a":'));
    expect(response.status).toBe(400);
    expect(((await response.json<{ error: { code: string } }>())).error.code).toBe("invalid_json");
  });

  it("refuses duplicate keys with 400 invalid_json", async () => {
    const { app } = probeApp();
    const response = await app.request("/echo", json('{"phone":"a","phone":"b"}'));
    expect(response.status).toBe(400);
  });

  it("refuses invalid UTF-8 with 400 invalid_json", async () => {
    const { app } = probeApp();
    const response = await app.request("/echo", { method: "POST", body: new Uint8Array([0x7b, 0x22, 0xff, 0x22, 0x7d]), headers: { "Content-Type": "application/json" } });
    expect(response.status).toBe(400);
  });

  it(`refuses a body over ${MAX_BODY_BYTES} bytes with 413, by declared length or by counting`, async () => {
    const { app } = probeApp();
    const big = `{"a":"${"x".repeat(MAX_BODY_BYTES)}"}`;
    const declared = await app.request("/echo", json(big));
    expect(declared.status).toBe(413);
    const streamed = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(new TextEncoder().encode(big));
        controller.close();
      },
    });
    const counted = await app.request("/echo", { method: "POST", body: streamed, headers: { "Content-Type": "application/json" } });
    expect(counted.status).toBe(413);
    expect(((await counted.json<{ error: { code: string } }>())).error.code).toBe("payload_too_large");
  });

  it("accepts a body of exactly the limit", async () => {
    const { app } = probeApp();
    const padding = MAX_BODY_BYTES - '{"a":""}'.length;
    const response = await app.request("/echo", json(`{"a":"${"x".repeat(padding)}"}`));
    expect(response.status).toBe(200);
  });

  it("turns a bug into an opaque 500 and logs no bound parameters", async () => {
    const { app, logged } = probeApp();
    const response = await app.request("/boom");
    expect(response.status).toBe(500);
    const text = await response.text();
    expect(text).not.toContain("select");
    expect(text).not.toContain("hunter2");
    expect(JSON.parse(text)).toEqual({ error: { code: "internal_error", message: expect.any(String) } });
    expect(JSON.stringify(logged)).not.toContain("hunter2");
    expect(JSON.stringify(logged)).not.toContain("+447700900123");
  });
});
