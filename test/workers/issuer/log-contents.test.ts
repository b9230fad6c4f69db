/**
 * What the issuer's logs never contain, read from the logs themselves: every
 * line the worker writes to the console while a user signs in, mistypes a code,
 * refreshes, edits their profile, is introspected and logs out, and while
 * Upstash and then Postgres are stopped (the paths that log warnings and errors).
 */
import { env } from "cloudflare:workers";
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { afterEach, beforeEach, describe, expect, inject, it, vi } from "vitest";
import { createIssuerApp } from "../../../workers/issuer/app";
import { issuerDeps } from "../../../workers/issuer/deps";
import { whileDown } from "../../support/dependency-switch";
import { adminFetch, createTenant, freshIp, freshPhone, jsonRequest, latestCode, withBearer, type SignedIn, type TokenPairBody } from "./support/issuer-client";
import { appCode, sessionToken } from "./support/second-factors";

const CONSOLE_METHODS = ["debug", "info", "log", "warn", "error"] as const;

/** Every line written to the console from the moment of the call; the spies are undone after each test. */
function captureConsole(): string[] {
  const lines: string[] = [];
  for (const method of CONSOLE_METHODS) {
    vi.spyOn(console, method).mockImplementation((...args: unknown[]) => {
      lines.push(args.map((arg) => (typeof arg === "string" ? arg : JSON.stringify(arg))).join(" "));
    });
  }
  return lines;
}

/** `value` standing alone (not inside a longer run of letters or digits), so a 6-digit code does not match inside an id. */
function standalone(value: string): RegExp {
  return new RegExp(`(?<![0-9A-Za-z])${value.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(?![0-9A-Za-z])`);
}

/**
 * 16 characters from the end of a token's payload (where its own `jti`, `iat` and `exp` are; every
 * payload starts alike) and from the start of its signature: a log holding any copy of the token holds them.
 */
function tokenFragments(name: string, token: string): Record<string, string> {
  const [, payload = "", signature = ""] = token.split(".");
  return { [`${name}'s payload`]: payload.slice(-16), [`${name}'s signature`]: signature.slice(0, 16) };
}

describe("what the issuer's logs never contain", () => {
  // Debug level, so nothing is held back; Upstash and Postgres behind addresses the test can take away.
  const testEnv = { ...env, LOG_LEVEL: "debug", UPSTASH_REDIS_REST_URL: inject("switchableUpstashUrl"), NEON_FETCH_ENDPOINT: inject("switchableNeonFetchEndpoint") };
  const app = createIssuerApp(issuerDeps);

  async function call(path: string, init: RequestInit = {}): Promise<Response> {
    const ctx = createExecutionContext();
    const response = await app.request(path, init, testEnv, ctx);
    await waitOnExecutionContext(ctx);
    return response;
  }

  beforeEach(() => {
    vi.restoreAllMocks();
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it("no code, phone number, email, token, key or secret appears in any line logged during a sign-in and its failures", async () => {
    const lines = captureConsole();
    const tenant = await createTenant();
    const phone = freshPhone();
    const email = `log-${crypto.randomUUID().slice(0, 8)}@example.com`;
    const publishable = () => ({ "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() });

    expect((await call("/api/auth/request", jsonRequest("POST", { phone }, publishable()))).status).toBe(202);
    const code = await latestCode(phone);
    const wrongCode = code === "000000" ? "111111" : "000000";
    expect((await call("/api/auth/verify", jsonRequest("POST", { phone, code: wrongCode }, publishable()))).status).toBe(401);
    const verified = await call("/api/auth/verify", jsonRequest("POST", { phone, code }, publishable()));
    expect(verified.status).toBe(200);
    const session = await verified.json<SignedIn>();
    const refreshed = await call("/api/auth/refresh", jsonRequest("POST", { refresh_token: session.refresh_token }, publishable()));
    expect(refreshed.status).toBe(200);
    const pair = await refreshed.json<TokenPairBody>();
    expect((await call("/api/auth/me", withBearer(pair.token, jsonRequest("PATCH", { email })))).status).toBe(200);
    const introspected = await call("/api/auth/introspect", jsonRequest("POST", { token: pair.token }, { Authorization: `Bearer ${tenant.secret_key}` }));
    expect(await introspected.json()).toMatchObject({ active: true });

    // Upstash stopped: the logout is deferred, with a warning.
    await whileDown(inject("upstashControlUrl"), async () => {
      expect((await call("/api/auth/logout", withBearer(pair.token, { method: "POST" }))).status).toBe(204);
    });
    // Postgres stopped: a sign-in attempt for the same phone is refused with an error line.
    await whileDown(inject("neonControlUrl"), async () => {
      expect((await call("/api/auth/request", jsonRequest("POST", { phone }, publishable()))).status).toBe(503);
      expect((await call("/api/auth/verify", jsonRequest("POST", { phone, code }, publishable()))).status).toBe(503);
    });

    // The capture works: the warning and the error were logged and read here.
    const events = lines.map((line) => (JSON.parse(line) as { event?: string }).event);
    expect(events).toContain("revocation_publish_deferred");
    expect(events).toContain("dependency_unavailable");

    const secrets: Record<string, string> = {
      phone,
      "phone without +": phone.slice(1),
      "national number": phone.slice(2),
      email,
      ...tokenFragments("access token", session.token),
      ...tokenFragments("refreshed access token", pair.token),
      "refresh token": session.refresh_token.slice(0, 16),
      "successor refresh token": pair.refresh_token.slice(0, 16),
      "api key": tenant.api_key,
      "secret key": tenant.secret_key,
      ADMIN_TOKEN: env.ADMIN_TOKEN,
      KEY_ENCRYPTION_SECRET: env.KEY_ENCRYPTION_SECRET,
      OTP_HASH_SECRET: env.OTP_HASH_SECRET,
      TWILIO_AUTH_TOKEN: env.TWILIO_AUTH_TOKEN,
      AWS_SECRET_ACCESS_KEY: env.AWS_SECRET_ACCESS_KEY,
      UPSTASH_REDIS_REST_TOKEN: env.UPSTASH_REDIS_REST_TOKEN,
    };
    const log = lines.join("\n");
    for (const [name, value] of Object.entries(secrets)) {
      expect(value.length, `${name} is long enough to search for`).toBeGreaterThanOrEqual(8);
      expect(log, `the logs contain the ${name}`).not.toContain(value);
    }
    for (const [name, value] of Object.entries({ code, "wrong code": wrongCode })) expect(log, `the logs contain the ${name}`).not.toMatch(standalone(value));
  });

  it("no TOTP secret, TOTP code or recovery code appears in any line logged, or any audit event written, while factors are enrolled, mistyped, renewed and removed", async () => {
    const lines = captureConsole();
    const tenant = await createTenant();
    const phone = freshPhone();
    expect((await call("/api/auth/request", jsonRequest("POST", { phone }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }))).status).toBe(202);
    const verified = await call("/api/auth/verify", jsonRequest("POST", { phone, code: await latestCode(phone) }, { "x-api-key": tenant.api_key, "CF-Connecting-IP": freshIp() }));
    const session = await verified.json<SignedIn>();
    const strong = await sessionToken(tenant, session.user_id);

    const started = await call("/api/auth/mfa/totp", withBearer(session.token, { method: "POST" }));
    const { secret } = await started.json<{ secret: string }>();
    const code = await appCode(secret, new Date());
    const wrongCode = code === "000000" ? "111111" : "000000";
    expect((await call("/api/auth/mfa/totp/confirm", withBearer(session.token, jsonRequest("POST", { code: wrongCode })))).status).toBe(401);
    const confirmed = await call("/api/auth/mfa/totp/confirm", withBearer(session.token, jsonRequest("POST", { code })));
    const { recovery_codes: first } = await confirmed.json<{ recovery_codes: string[] }>();
    expect((await call("/api/auth/mfa/recovery-codes", withBearer(session.token, { method: "POST" }))).status).toBe(401);
    const renewed = await call("/api/auth/mfa/recovery-codes", withBearer(strong.token, { method: "POST" }));
    const { recovery_codes: second } = await renewed.json<{ recovery_codes: string[] }>();
    expect((await call("/api/auth/mfa/totp", withBearer(strong.token, { method: "DELETE" }))).status).toBe(204);
    expect([...first, ...second]).toHaveLength(20);

    const audit = await adminAudit(session.user_id);
    expect(audit).toContain("mfa.totp_removed");
    const written = { logs: lines.join("\n"), audit };
    for (const [where, text] of Object.entries(written)) {
      expect(text, `the ${where} contain the TOTP secret`).not.toContain(secret);
      for (const recovery of [...first, ...second]) {
        expect(text, `the ${where} contain a recovery code`).not.toContain(recovery);
        expect(text, `the ${where} contain a recovery code`).not.toContain(recovery.replace(/-/g, ""));
      }
      for (const [name, value] of Object.entries({ code, "wrong code": wrongCode })) expect(text, `the ${where} contain the ${name}`).not.toMatch(standalone(value));
    }
  });
});

async function adminAudit(userId: string): Promise<string> {
  const response = await adminFetch(`/api/admin/audit?user_id=${userId}&limit=100`);
  expect(response.status).toBe(200);
  return response.text();
}
