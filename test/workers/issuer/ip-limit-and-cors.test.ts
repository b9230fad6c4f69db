import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { createTenant, expectError, freshIp, freshPhone, issuerFetch, jsonRequest } from "./support/issuer-client";

describe("per-IP limit on /api/auth/*", () => {
  const app = createIssuerApp(issuerDeps);
  const limitedEnv = { ...env, RATE_LIMIT_MAX: "3", RATE_LIMIT_WINDOW_MS: "60000" };

  it("answers 429 rate_limited with Retry-After past RATE_LIMIT_MAX requests from one address", async () => {
    const tenant = await createTenant();
    const ip = freshIp();
    const call = () => app.request("/api/auth/verify", jsonRequest("POST", { phone: freshPhone(), code: "123456" }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": ip }), limitedEnv);
    for (let index = 0; index < 3; index += 1) expect((await call()).status).toBe(401);
    const limited = await call();
    await expectError(limited, 429, "rate_limited");
    const retryAfter = Number(limited.headers.get("Retry-After"));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);

    const otherAddress = await app.request("/api/auth/verify", jsonRequest("POST", { phone: freshPhone(), code: "123456" }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }), limitedEnv);
    expect(otherAddress.status).toBe(401);
  });

  it("counts IPv6 neighbours in one /64, and other spellings of one address, as one client", async () => {
    const tenant = await createTenant();
    const [a = 0, b = 0] = crypto.getRandomValues(new Uint16Array(2));
    const net = `2001:db8:${a.toString(16)}:${b.toString(16)}`;
    const from = (address: string) => app.request("/api/auth/verify", jsonRequest("POST", { phone: freshPhone(), code: "123456" }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": address }), limitedEnv);
    expect((await from(`${net}::1`)).status).toBe(401);
    expect((await from(`${net}:0:0:0:1`.toUpperCase())).status).toBe(401);
    expect((await from(`${net}:dead:beef:0:2`)).status).toBe(401);
    await expectError(await from(`${net}:ffff::9`), 429, "rate_limited");

    const v4 = freshIp();
    for (let index = 0; index < 3; index += 1) expect((await from(v4)).status).toBe(401);
    await expectError(await from(`::ffff:${v4}`), 429, "rate_limited");
  });

  it("does not count introspection, which is server-to-server", async () => {
    const tenant = await createTenant();
    const ip = freshIp();
    for (let index = 0; index < 5; index += 1) {
      const response = await app.request("/api/auth/introspect", jsonRequest("POST", { token: "x" }, { Authorization: `Bearer ${tenant.secret_key}`, "CF-Connecting-IP": ip }), limitedEnv);
      expect(response.status).toBe(200);
    }
  });
});

describe("CORS for browser clients", () => {
  it("allows a tenant's configured origin and no other", async () => {
    const tenant = await createTenant({ cors_origins: ["https://app.example.com"] });
    const allowed = await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, Origin: "https://app.example.com" }));
    expect(allowed.headers.get("Access-Control-Allow-Origin")).toBe("https://app.example.com");
    const other = await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, Origin: "https://evil.example" }));
    expect(other.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("does not let one tenant's origin read another tenant's answers", async () => {
    await createTenant({ cors_origins: ["https://other-tenant.example.com"] });
    const tenant = await createTenant({ cors_origins: ["https://mine.example.com"] });
    const foreign = await issuerFetch("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, Origin: "https://other-tenant.example.com" }));
    expect(foreign.status).toBe(202);
    expect(foreign.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("lets an allowed origin read the per-IP 429 and its Retry-After", async () => {
    const origin = `https://spa-${crypto.randomUUID().slice(0, 8)}.example.org`;
    const tenant = await createTenant({ cors_origins: [origin] });
    const app = createIssuerApp(issuerDeps);
    const limitedEnv = { ...env, RATE_LIMIT_MAX: "1", RATE_LIMIT_WINDOW_MS: "60000" };
    const ip = freshIp();
    const call = () => app.request("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": ip, Origin: origin }), limitedEnv);
    expect((await call()).status).toBe(202);
    const limited = await call();
    expect(limited.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    expect(limited.headers.get("Access-Control-Expose-Headers")).toMatch(/(^|, )Retry-After(,|$)/);
    expect(Number(limited.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(limited, 429, "rate_limited");
  });

  it("lets an allowed origin read the answer when the per-IP limiter itself fails", async () => {
    const origin = `https://spa-${crypto.randomUUID().slice(0, 8)}.example.org`;
    const tenant = await createTenant({ cors_origins: [origin] });
    const unreachable = () => Promise.reject(new TypeError("Network connection lost."));
    const app = createIssuerApp((bindings) => ({ ...issuerDeps(bindings), rateLimiter: { hit: unreachable, release: unreachable, count: unreachable } }));
    const response = await app.request("/api/auth/request", jsonRequest("POST", { phone: freshPhone() }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp(), Origin: origin }), env);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    expect(Number(response.headers.get("Retry-After"))).toBeGreaterThan(0);
    await expectError(response, 503, "service_unavailable");
  });

  it("lets an allowed origin read a 404 and a 405 under /api/auth/*", async () => {
    const origin = `https://spa-${crypto.randomUUID().slice(0, 8)}.example.org`;
    await createTenant({ cors_origins: [origin] });
    const missing = await issuerFetch("/api/auth/no-such-route", { headers: { Origin: origin, "CF-Connecting-IP": freshIp() } });
    expect(missing.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    await expectError(missing, 404, "not_found");
    const wrongMethod = await issuerFetch("/api/auth/request", { method: "GET", headers: { Origin: origin, "CF-Connecting-IP": freshIp() } });
    expect(wrongMethod.headers.get("Access-Control-Allow-Origin")).toBe(origin);
    await expectError(wrongMethod, 405, "method_not_allowed");
  });

  it("answers a preflight for an allowed origin", async () => {
    await createTenant({ cors_origins: ["https://spa.example.org"] });
    const response = await issuerFetch("/api/auth/verify", {
      method: "OPTIONS",
      headers: { Origin: "https://spa.example.org", "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type, x-api-key" },
    });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBe("https://spa.example.org");
    expect(response.headers.get("Access-Control-Allow-Headers")).toMatch(/X-Api-Key/i);
  });
});
