import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type ReceivedWebhook, type SmsSandbox } from "../../../dev/sms/server";
import { MAX_STORED_WEBHOOKS } from "../../../dev/sms/webhook-inbox";
import { MAX_WEBHOOK_BODY_BYTES } from "../../../dev/sms/webhook-receiver";
import { generateWebhookSecret, webhookHeaders } from "../../../shared/crypto/standard-webhooks";
import { sandboxOptions } from "./sandbox-fixture";

const SECRET = generateWebhookSecret();

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearWebhooks();
  sandbox.resetFaults();
});

/** Posts `body` to the receiver as the issuer does: Standard Webhooks headers signed with SECRET, JSON. */
async function deliver(to: SmsSandbox, endpoint: string, body: string, init: { id?: string; signal?: AbortSignal } = {}): Promise<Response> {
  const headers = await webhookHeaders({ secret: SECRET, id: init.id ?? `msg_${crypto.randomUUID()}`, timestamp: new Date(), body });
  return fetch(`${to.url}/webhooks/${endpoint}`, {
    method: "POST",
    headers: { ...headers, "content-type": "application/json" },
    body,
    ...(init.signal ? { signal: init.signal } : {}),
  });
}

function event(type: string): string {
  return JSON.stringify({ type, timestamp: new Date().toISOString(), data: { user_id: "usr_0123", name: "Zoë" } });
}

async function listed(query = ""): Promise<ReceivedWebhook[]> {
  const response = await fetch(`${sandbox.url}/webhooks${query}`);
  expect(response.status).toBe(200);
  return ((await response.json()) as { deliveries: ReceivedWebhook[] }).deliveries;
}

function setFault(endpoint: string, fault: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/webhook-faults/${endpoint}`, { method: "PUT", body: JSON.stringify(fault) });
}

describe("POST /webhooks/{endpoint}", () => {
  it("answers 204 and keeps the headers and the raw body, which still verify as signed", async () => {
    const body = event("user.created");
    const response = await deliver(sandbox, "app", body, { id: "msg_kept" });
    expect(response.status).toBe(204);
    expect(await response.text()).toBe("");
    const [kept] = sandbox.webhooks("app");
    expect(kept).toMatchObject({ endpoint: "app", webhook_id: "msg_kept", content_type: "application/json", body });
    expect(Object.keys(kept ?? {}).sort()).toEqual(["body", "content_type", "endpoint", "received_at", "webhook_id", "webhook_signature", "webhook_timestamp"]);
    expect(new Date(kept?.received_at ?? "").toISOString()).toBe(kept?.received_at);
    const headers = { "webhook-id": kept?.webhook_id ?? "", "webhook-timestamp": kept?.webhook_timestamp ?? "", "webhook-signature": kept?.webhook_signature ?? "" };
    expect(new Webhook(SECRET).verify(kept?.body ?? "", headers)).toMatchObject({ type: "user.created", data: { name: "Zoë" } });
  });

  it("keeps a delivery without the Standard Webhooks headers, with null for each, so a test can see the sender forgot them", async () => {
    expect((await fetch(`${sandbox.url}/webhooks/bare`, { method: "POST", body: "ping" })).status).toBe(204);
    expect(sandbox.webhooks("bare")).toMatchObject([{ webhook_id: null, webhook_timestamp: null, webhook_signature: null, content_type: "text/plain;charset=UTF-8", body: "ping" }]);
  });

  it.each([
    ["longer than 64 characters", "a".repeat(65)],
    ["with a dot", "app.v2"],
    ["with an encoded space", "a%20b"],
  ])("refuses an endpoint name %s (400) and keeps nothing", async (_case, name) => {
    const response = await fetch(`${sandbox.url}/webhooks/${name}`, { method: "POST", body: "{}" });
    expect(response.status).toBe(400);
    expect(await listed()).toEqual([]);
  });

  it("takes an endpoint name of exactly 64 letters, digits, _ and -", async () => {
    const name = `A-z_9${"x".repeat(59)}`;
    expect((await deliver(sandbox, name, event("user.created"))).status).toBe(204);
    expect(sandbox.webhooks(name)).toHaveLength(1);
  });

  it(`refuses a body over ${MAX_WEBHOOK_BODY_BYTES} bytes (413), neither keeping nor counting it`, async () => {
    const response = await deliver(sandbox, "big", "x".repeat(MAX_WEBHOOK_BODY_BYTES + 1));
    expect(response.status).toBe(413);
    expect(sandbox.webhooks("big")).toEqual([]);
    expect(sandbox.webhookRequests("big")).toBe(0);
    expect((await deliver(sandbox, "big", "x".repeat(MAX_WEBHOOK_BODY_BYTES))).status).toBe(204);
  });

  it("refuses other methods than POST (405)", async () => {
    const response = await fetch(`${sandbox.url}/webhooks/app`);
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
  });
});

describe("GET and DELETE /webhooks", () => {
  it("lists one endpoint's deliveries newest first, and every endpoint's without ?endpoint=", async () => {
    await deliver(sandbox, "app", event("first"), { id: "msg_1" });
    await deliver(sandbox, "other", event("elsewhere"), { id: "msg_2" });
    await deliver(sandbox, "app", event("second"), { id: "msg_3" });
    expect((await listed("?endpoint=app")).map((delivery) => delivery.webhook_id)).toEqual(["msg_3", "msg_1"]);
    expect((await listed()).map((delivery) => delivery.webhook_id)).toEqual(["msg_3", "msg_2", "msg_1"]);
    expect(await listed("?endpoint=nobody")).toEqual([]);
  });

  it("refuses an endpoint filter that is not an endpoint name (400)", async () => {
    expect((await fetch(`${sandbox.url}/webhooks?endpoint=${encodeURIComponent("../app")}`)).status).toBe(400);
  });

  it("clears one endpoint's deliveries with DELETE ?endpoint=, and only those; everything without", async () => {
    await deliver(sandbox, "app", event("a"));
    await deliver(sandbox, "other", event("b"));
    expect((await fetch(`${sandbox.url}/webhooks?endpoint=app`, { method: "DELETE" })).status).toBe(204);
    expect((await listed()).map((delivery) => delivery.endpoint)).toEqual(["other"]);
    expect((await fetch(`${sandbox.url}/webhooks`, { method: "DELETE" })).status).toBe(204);
    expect(await listed()).toEqual([]);
  });

  it("refuses other methods than GET and DELETE (405)", async () => {
    const response = await fetch(`${sandbox.url}/webhooks`, { method: "PUT" });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("GET, DELETE");
  });
});

describe("webhook faults", () => {
  it("answers 500 for the next `count` deliveries, keeping none of them, then accepts again", async () => {
    const set = await setFault("flaky", { mode: "error_5xx", count: 2 });
    expect(set.status).toBe(200);
    expect(await set.json()).toEqual({ endpoints: { flaky: { mode: "error_5xx", remaining: 2, requests: 0 } } });
    const first = await deliver(sandbox, "flaky", event("retry me"), { id: "msg_retried" });
    expect(first.status).toBe(500);
    expect(await first.json()).toEqual({ error: "the receiver is failing (sandbox fault)" });
    expect((await deliver(sandbox, "flaky", event("retry me"), { id: "msg_retried" })).status).toBe(500);
    expect(sandbox.webhooks("flaky")).toEqual([]);
    expect((await deliver(sandbox, "flaky", event("retry me"), { id: "msg_retried" })).status).toBe(204);
    expect(sandbox.webhooks("flaky").map((delivery) => delivery.webhook_id)).toEqual(["msg_retried"]);
    expect(sandbox.webhookRequests("flaky")).toBe(3);
    const current = await (await fetch(`${sandbox.url}/__sandbox/webhook-faults`)).json();
    expect(current).toEqual({ endpoints: { flaky: { mode: "none", remaining: null, requests: 3 } } });
  });

  it("answers 410 Gone under `gone`, for every delivery until cleared with mode none", async () => {
    sandbox.setWebhookFault("retired", { mode: "gone" });
    for (let attempt = 0; attempt < 3; attempt++) expect((await deliver(sandbox, "retired", event("x"))).status).toBe(410);
    expect(sandbox.webhooks("retired")).toEqual([]);
    expect((await setFault("retired", { mode: "none" })).status).toBe(200);
    expect((await deliver(sandbox, "retired", event("x"))).status).toBe(204);
    expect(sandbox.webhookRequests("retired")).toBe(4);
  });

  it("faults only the endpoint named, so tests side by side do not see each other's faults", async () => {
    sandbox.setWebhookFault("broken", { mode: "error_5xx" });
    expect((await deliver(sandbox, "healthy", event("x"))).status).toBe(204);
    expect((await deliver(sandbox, "broken", event("x"))).status).toBe(500);
  });

  it("never answers under `timeout`, so the sender's own timeout fires; nothing is kept, the attempt is counted", async () => {
    sandbox.setWebhookFault("slow", { mode: "timeout", count: 1 });
    const hung = deliver(sandbox, "slow", event("x"), { signal: AbortSignal.timeout(300) });
    await expect(hung).rejects.toMatchObject({ name: "TimeoutError" });
    expect(sandbox.webhooks("slow")).toEqual([]);
    expect(sandbox.webhookRequests("slow")).toBe(1);
    expect((await deliver(sandbox, "slow", event("x"))).status).toBe(204);
  });

  it("closes promptly with a delivery still held open, dropping its connection", async () => {
    const own = await startSmsSandbox(sandboxOptions());
    own.setWebhookFault("slow", { mode: "timeout" });
    const hung = deliver(own, "slow", event("x"));
    hung.catch(() => undefined);
    while (own.webhookRequests("slow") === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    const started = Date.now();
    await own.close();
    expect(Date.now() - started).toBeLessThan(1_000);
    await expect(hung).rejects.toThrow();
  });

  it("resetFaults() and DELETE /__sandbox/webhook-faults clear faults and request counts", async () => {
    sandbox.setWebhookFault("app", { mode: "error_5xx" });
    await deliver(sandbox, "app", event("x"));
    expect((await fetch(`${sandbox.url}/__sandbox/webhook-faults`, { method: "DELETE" })).status).toBe(204);
    expect(sandbox.webhookRequests("app")).toBe(0);
    expect((await deliver(sandbox, "app", event("x"))).status).toBe(204);
  });

  it.each([
    ["an unknown mode", "app", { mode: "explode" }],
    ["a count of 0", "app", { mode: "error_5xx", count: 0 }],
    ["a fractional count", "app", { mode: "error_5xx", count: 1.5 }],
    ["a count over 1000", "app", { mode: "error_5xx", count: 1_001 }],
    ["an unknown field", "app", { mode: "error_5xx", endpoint: "app" }],
    ["a body that is not JSON", "app", "error_5xx"],
    ["an endpoint name with a dot", "app.v2", { mode: "error_5xx" }],
  ])("refuses %s (400) and changes nothing", async (_case, endpoint, fault) => {
    const response = await fetch(`${sandbox.url}/__sandbox/webhook-faults/${endpoint}`, { method: "PUT", body: typeof fault === "string" ? fault : JSON.stringify(fault) });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({ error: expect.any(String) });
    expect((await deliver(sandbox, "app", event("x"))).status).toBe(204);
  });

  it("refuses other methods than PUT on one endpoint's fault (405)", async () => {
    const response = await fetch(`${sandbox.url}/__sandbox/webhook-faults/app`, { method: "POST", body: JSON.stringify({ mode: "gone" }) });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("PUT");
  });
});

describe("the webhook inbox file", () => {
  it("survives a restart", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "webhook-inbox-")), "webhook-inbox.json");
    const first = await startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file });
    const body = event("user.created");
    await deliver(first, "app", body, { id: "msg_kept" });
    await first.close();
    expect(JSON.parse(readFileSync(file, "utf8"))).toMatchObject({ version: 1, webhooks: [{ endpoint: "app", webhook_id: "msg_kept", body }] });
    const second = await startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file });
    try {
      expect(second.webhooks("app").map((delivery) => [delivery.webhook_id, delivery.body])).toEqual([["msg_kept", body]]);
    } finally {
      await second.close();
    }
  });

  it(`keeps only the newest ${MAX_STORED_WEBHOOKS} deliveries`, async () => {
    const file = join(mkdtempSync(join(tmpdir(), "webhook-inbox-")), "webhook-inbox.json");
    const stored = Array.from({ length: MAX_STORED_WEBHOOKS + 5 }, (_, index) => ({
      endpoint: "app",
      webhook_id: `msg_${index}`,
      webhook_timestamp: null,
      webhook_signature: null,
      content_type: null,
      body: "",
      received_at: new Date(0).toISOString(),
    }));
    writeFileSync(file, JSON.stringify({ version: 1, webhooks: stored }));
    const own = await startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file });
    try {
      await deliver(own, "app", event("newest"), { id: "msg_newest" });
      const kept = own.webhooks();
      expect(kept).toHaveLength(MAX_STORED_WEBHOOKS);
      expect(kept[0]?.webhook_id).toBe("msg_newest");
      expect(kept.at(-1)?.webhook_id).toBe("msg_6");
    } finally {
      await own.close();
    }
  });

  it("refuses to start over a file that is not a webhook inbox rather than overwrite it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "webhook-inbox-")), "webhook-inbox.json");
    writeFileSync(file, JSON.stringify({ version: 1, emails: [] }));
    await expect(startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file })).rejects.toThrow("is not a webhook receiver inbox file");
  });
});
