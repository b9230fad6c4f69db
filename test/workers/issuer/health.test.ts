import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { issuerFetch } from "./support/issuer-client";

describe("GET /health", () => {
  it("reports every check up against the local stack", async () => {
    const response = await issuerFetch("/health");
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toEqual({
      status: "healthy",
      version: expect.any(String),
      checks: { database: "up", redis: "up", keys: "up", sms: "up" },
      sms_providers: { twilio: "up", sns: "up" },
      latency_ms: { database: expect.any(Number), redis: expect.any(Number) },
      revocation_outbox: { pending: expect.any(Number), oldest_age_seconds: expect.any(Number) },
      webhook_outbox: { pending: expect.any(Number), oldest_due_age_seconds: expect.any(Number) },
    });
    expect(response.headers.get("Cache-Control")).toBe("no-store");
  });
});

describe("GET /health asks each SMS provider, not only whether one is configured", () => {
  it("reports sms down (degraded, 207) when both providers refuse our credentials, though both are configured", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, TWILIO_AUTH_TOKEN: "0".repeat(32), AWS_SECRET_ACCESS_KEY: "not-the-secret-access-key-0000" });
    expect(response.status).toBe(207);
    const body = await response.json<{ status: string; checks: Record<string, string>; sms_providers: Record<string, string> }>();
    expect(body.checks).toEqual({ database: "up", redis: "up", keys: "up", sms: "down" });
    expect(body.sms_providers).toEqual({ twilio: "down", sns: "down" });
  });

  it("keeps sms up while the failover provider answers, and names the one that does not", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, TWILIO_API_BASE: "http://127.0.0.1:9" });
    expect(response.status).toBe(200);
    const body = await response.json<{ checks: Record<string, string>; sms_providers: Record<string, string> }>();
    expect(body.checks.sms).toBe("up");
    expect(body.sms_providers).toEqual({ twilio: "down", sns: "up" });
  });

  it("checks only the providers in SMS_PROVIDERS, and says which were not checked", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, SMS_PROVIDERS: "sns", TWILIO_AUTH_TOKEN: "0".repeat(32) });
    const body = await response.json<{ checks: Record<string, string>; sms_providers: Record<string, string> }>();
    expect(body.checks.sms).toBe("up");
    expect(body.sms_providers).toEqual({ twilio: "not_configured", sns: "up" });
  });
});

describe("GET /health when a dependency is unreachable", () => {
  // A closed loopback port: connections are refused, as when the server is stopped.
  const unreachable = "http://127.0.0.1:9";

  it("is degraded (207) with Redis down, and says which check failed", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, UPSTASH_REDIS_REST_URL: unreachable });
    expect(response.status).toBe(207);
    const body = (await response.json<{ status: string; checks: Record<string, string> }>());
    expect(body.status).toBe("degraded");
    expect(body.checks).toEqual({ database: "up", redis: "down", keys: "up", sms: "up" });
  });

  it("is unhealthy (503) with the database down, keys down with it", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, NEON_FETCH_ENDPOINT: `${unreachable}/sql` });
    expect(response.status).toBe(503);
    const body = (await response.json<{ status: string; checks: Record<string, string> }>());
    expect(body.status).toBe("unhealthy");
    expect(body.checks.database).toBe("down");
    expect(body.checks.keys).toBe("down");
  });

  it("names no host, URL or secret in its body", async () => {
    const app = createIssuerApp(issuerDeps);
    const response = await app.request("/health", {}, { ...env, UPSTASH_REDIS_REST_URL: unreachable });
    const text = await response.text();
    expect(text).not.toMatch(/127\.0\.0\.1|http:|localhost/);
    expect(text).not.toContain(env.ADMIN_TOKEN);
  });
});
