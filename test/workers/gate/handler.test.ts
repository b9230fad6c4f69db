import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";

function gateFetch(path: string, init: RequestInit = {}): Promise<Response> {
  return exports.default.fetch(new Request(`http://gate.test${path}`, init));
}

describe("the worker's fetch handler", () => {
  it("answers the health route through the app", async () => {
    const response = await gateFetch("/__gate/health");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toHaveProperty("checks.jwks");
  });

  it("routes a percent-encoded path as the router decodes it, so it cannot reach the origin another way", async () => {
    const response = await gateFetch("/__gate/%68ealth");
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    expect(await response.json()).toHaveProperty("checks.jwks");
  });

  it("answers another method on the health route with 405 and Allow", async () => {
    const response = await gateFetch("/__gate/health", { method: "POST" });
    expect(response.status).toBe(405);
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });

  it("echoes the caller's request id on a proxied request it refuses", async () => {
    const response = await gateFetch("/api/things", { headers: { "X-Request-Id": "trace-9" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Request-Id")).toBe("trace-9");
  });

  it("mints its own request id when the caller's is not safe to echo", async () => {
    const response = await gateFetch("/api/things", { headers: { "X-Request-Id": "two words;<script>" } });
    expect(response.status).toBe(401);
    expect(response.headers.get("X-Request-Id")).toMatch(/^req_[0-9a-z]{26}$/);
  });

  it("answers HEAD on a public route with the origin's status and no body", async () => {
    const response = await gateFetch("/public/page", { method: "HEAD" });
    expect(response.status).toBe(200);
    expect(response.headers.get("X-Request-Id")).toMatch(/^req_[0-9a-z]{26}$/);
    expect(await response.text()).toBe("");
  });
});
