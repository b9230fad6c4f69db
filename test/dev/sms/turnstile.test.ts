import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { createTurnstileEmulator, DUMMY_SECRETS, DUMMY_TOKEN, TOKEN_TTL_MS } from "../../../dev/sms/turnstile";
import { sandboxOptions, TURNSTILE_SECRET } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());

interface Verdict {
  success: boolean;
  "error-codes": string[];
  challenge_ts?: string;
  hostname?: string;
  action?: string;
  cdata?: string;
}

async function issue(claims?: Record<string, unknown>): Promise<string> {
  const response = await fetch(`${sandbox.url}/turnstile/__issue`, claims === undefined ? { method: "POST" } : { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(claims) });
  expect(response.status).toBe(200);
  const { token } = (await response.json()) as { token: string };
  return token;
}

/** Form-encoded, as Cloudflare's own examples and our issuer send it. */
async function siteverify(fields: Record<string, string>): Promise<{ status: number; verdict: Verdict }> {
  const response = await fetch(`${sandbox.url}/turnstile/v0/siteverify`, { method: "POST", body: new URLSearchParams(fields) });
  expect(response.headers.get("content-type")).toBe("application/json");
  return { status: response.status, verdict: (await response.json()) as Verdict };
}

describe("siteverify with the sandbox's secret", () => {
  it("verifies an issued token once, answering Cloudflare's success shape", async () => {
    const token = await issue();
    const { status, verdict } = await siteverify({ secret: TURNSTILE_SECRET, response: token, remoteip: "203.0.113.7" });
    expect(status).toBe(200);
    expect(verdict).toEqual({ success: true, "error-codes": [], challenge_ts: expect.any(String), hostname: "localhost", action: "", cdata: "" });
    expect(new Date(verdict.challenge_ts ?? "").toISOString()).toBe(verdict.challenge_ts);
  });

  it("answers timeout-or-duplicate when the same token is verified again (replay)", async () => {
    const token = await issue();
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token })).verdict.success).toBe(true);
    expect(await siteverify({ secret: TURNSTILE_SECRET, response: token })).toEqual({ status: 200, verdict: { success: false, "error-codes": ["timeout-or-duplicate"] } });
  });

  it("echoes the hostname, action and cdata the token was issued with", async () => {
    const token = await issue({ hostname: "app.example.com", action: "sign-in", cdata: "session_42" });
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token })).verdict).toMatchObject({ success: true, hostname: "app.example.com", action: "sign-in", cdata: "session_42" });
  });

  it("issues a different token each time, within Cloudflare's 2048 characters", async () => {
    const [a, b] = await Promise.all([issue(), issue()]);
    expect(a).not.toBe(b);
    expect(a.length).toBeLessThanOrEqual(2048);
  });

  it("answers invalid-input-response for a token it never issued (a forged token)", async () => {
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: "0.forged-token" })).verdict).toEqual({ success: false, "error-codes": ["invalid-input-response"] });
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: "x".repeat(2049) })).verdict["error-codes"]).toEqual(["invalid-input-response"]);
  });

  it("answers invalid-input-response for the dummy token: real secrets refuse it", async () => {
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: DUMMY_TOKEN })).verdict["error-codes"]).toEqual(["invalid-input-response"]);
  });

  it("answers invalid-input-secret for a wrong secret, and does not spend the token", async () => {
    const token = await issue();
    expect((await siteverify({ secret: `${TURNSTILE_SECRET}x`, response: token })).verdict).toEqual({ success: false, "error-codes": ["invalid-input-secret"] });
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token })).verdict.success).toBe(true);
  });

  it("answers missing-input-secret and missing-input-response", async () => {
    const token = await issue();
    expect((await siteverify({ response: token })).verdict["error-codes"]).toEqual(["missing-input-secret"]);
    expect((await siteverify({ secret: "", response: token })).verdict["error-codes"]).toEqual(["missing-input-secret"]);
    expect((await siteverify({ secret: TURNSTILE_SECRET })).verdict["error-codes"]).toEqual(["missing-input-response"]);
  });
});

describe("request formats", () => {
  it("accepts JSON", async () => {
    const token = await issue();
    const response = await fetch(`${sandbox.url}/turnstile/v0/siteverify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ secret: TURNSTILE_SECRET, response: token, remoteip: "203.0.113.7" }),
    });
    expect(response.status).toBe(200);
    expect(((await response.json()) as Verdict).success).toBe(true);
  });

  it("accepts multipart form data, as Cloudflare's Workers example sends FormData", async () => {
    const token = await issue();
    const form = new FormData();
    form.append("secret", TURNSTILE_SECRET);
    form.append("response", token);
    const response = await fetch(`${sandbox.url}/turnstile/v0/siteverify`, { method: "POST", body: form });
    expect(((await response.json()) as Verdict).success).toBe(true);
  });

  it.each([
    ["malformed JSON", "application/json", "{secret:"],
    ["a JSON array", "application/json", "[]"],
    ["a JSON secret that is not a string", "application/json", JSON.stringify({ secret: 1, response: "x" })],
    ["plain text", "text/plain", "secret=x&response=y"],
  ])("answers 400 bad-request for %s", async (_label, contentType, body) => {
    const response = await fetch(`${sandbox.url}/turnstile/v0/siteverify`, { method: "POST", headers: { "content-type": contentType }, body });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ success: false, "error-codes": ["bad-request"] });
  });

  it("answers 405 to another method", async () => {
    const response = await fetch(`${sandbox.url}/turnstile/v0/siteverify`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });

  it("refuses token claims outside the widget's limits when issuing", async () => {
    for (const claims of [{ action: "x".repeat(33) }, { cdata: "not allowed!" }, { colour: "red" }]) {
      const response = await fetch(`${sandbox.url}/turnstile/__issue`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(claims) });
      expect(response.status).toBe(400);
    }
  });
});

describe("idempotency_key", () => {
  it("answers a retry with the first verification's key with the same success", async () => {
    const token = await issue({ action: "login" });
    const key = crypto.randomUUID();
    const first = await siteverify({ secret: TURNSTILE_SECRET, response: token, idempotency_key: key });
    const retry = await siteverify({ secret: TURNSTILE_SECRET, response: token, idempotency_key: key });
    expect(first.verdict.success).toBe(true);
    expect(retry.verdict).toEqual(first.verdict);
  });

  it("still refuses the spent token without the key or with another key", async () => {
    const token = await issue();
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token, idempotency_key: crypto.randomUUID() })).verdict.success).toBe(true);
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token })).verdict["error-codes"]).toEqual(["timeout-or-duplicate"]);
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: token, idempotency_key: crypto.randomUUID() })).verdict["error-codes"]).toEqual(["timeout-or-duplicate"]);
  });

  it("does not turn a key into a pass for a token that was never valid", async () => {
    const key = crypto.randomUUID();
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: "0.forged", idempotency_key: key })).verdict["error-codes"]).toEqual(["invalid-input-response"]);
    expect((await siteverify({ secret: TURNSTILE_SECRET, response: "0.forged", idempotency_key: key })).verdict["error-codes"]).toEqual(["invalid-input-response"]);
  });

  it("answers 400 bad-request for a key that is not a UUID", async () => {
    const token = await issue();
    expect(await siteverify({ secret: TURNSTILE_SECRET, response: token, idempotency_key: "retry-1" })).toEqual({ status: 400, verdict: { success: false, "error-codes": ["bad-request"] } });
  });
});

describe("Cloudflare's dummy test secrets", () => {
  it("1x…AA passes the dummy token", async () => {
    expect((await siteverify({ secret: DUMMY_SECRETS.alwaysPasses, response: DUMMY_TOKEN })).verdict).toEqual({
      success: true,
      "error-codes": [],
      challenge_ts: expect.any(String),
      hostname: "localhost",
      action: "test",
      cdata: "test-data",
    });
  });

  it("1x…AA refuses a real token: test secrets only accept the dummy token", async () => {
    expect((await siteverify({ secret: DUMMY_SECRETS.alwaysPasses, response: await issue() })).verdict["error-codes"]).toEqual(["invalid-input-response"]);
  });

  it("2x…AA always fails with invalid-input-response", async () => {
    expect((await siteverify({ secret: DUMMY_SECRETS.alwaysFails, response: DUMMY_TOKEN })).verdict).toEqual({ success: false, "error-codes": ["invalid-input-response"] });
  });

  it("3x…AA always answers timeout-or-duplicate", async () => {
    expect((await siteverify({ secret: DUMMY_SECRETS.alreadySpent, response: DUMMY_TOKEN })).verdict).toEqual({ success: false, "error-codes": ["timeout-or-duplicate"] });
  });

  it("the dummy secrets still want a response", async () => {
    expect((await siteverify({ secret: DUMMY_SECRETS.alwaysPasses })).verdict["error-codes"]).toEqual(["missing-input-response"]);
  });

  it("the dummy token is not spent by verifying it", async () => {
    for (let round = 0; round < 2; round++) expect((await siteverify({ secret: DUMMY_SECRETS.alwaysPasses, response: DUMMY_TOKEN })).verdict.success).toBe(true);
  });
});

describe("token lifetime (emulator with a frozen clock)", () => {
  const claims = { hostname: "localhost", action: "", cdata: "" };
  const input = (response: string) => ({ secret: "s3cret", response, remoteip: undefined, idempotencyKey: undefined });

  it("verifies a token up to 300 seconds after it was issued", () => {
    let now = 1_800_000_000_000;
    const emulator = createTurnstileEmulator({ secretKey: "s3cret", now: () => now });
    const token = emulator.issue(claims);
    now += TOKEN_TTL_MS;
    expect(emulator.verify(input(token))).toMatchObject({ success: true, challenge_ts: new Date(1_800_000_000_000).toISOString() });
  });

  it("answers timeout-or-duplicate after 300 seconds", () => {
    let now = 1_800_000_000_000;
    const emulator = createTurnstileEmulator({ secretKey: "s3cret", now: () => now });
    const token = emulator.issue(claims);
    now += TOKEN_TTL_MS + 1;
    expect(emulator.verify(input(token))).toEqual({ success: false, "error-codes": ["timeout-or-duplicate"] });
  });
});
