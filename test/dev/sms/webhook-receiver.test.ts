import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateWebhookSecret, webhookHeaders } from "../../../shared/crypto/standard-webhooks";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());

const fresh = () => `e-${crypto.randomUUID().slice(0, 12)}`;

async function deliver(endpoint: string, body: string, secret = generateWebhookSecret(), signal?: AbortSignal): Promise<Response> {
  const headers = await webhookHeaders({ secret, id: `evt_${crypto.randomUUID().replaceAll("-", "").slice(0, 26)}`, timestamp: new Date(), body });
  return fetch(`${sandbox.url}/webhooks/${endpoint}`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body, ...(signal ? { signal } : {}) });
}

async function fault(endpoint: string, body: unknown): Promise<Response> {
  return fetch(`${sandbox.url}/__sandbox/webhook-faults/${endpoint}`, { method: "PUT", body: JSON.stringify(body) });
}

describe("the webhook receiver stand-in", () => {
  it("keeps each delivery's headers and raw body, newest first per endpoint, so a test can verify it as an app would", async () => {
    const [endpoint, other] = [fresh(), fresh()];
    const secret = generateWebhookSecret();
    expect((await deliver(endpoint, '{"n": 1}', secret)).status).toBe(204);
    expect((await deliver(endpoint, '{"n":2}', secret)).status).toBe(204);
    expect((await deliver(other, "{}")).status).toBe(204);
    const listed = (await (await fetch(`${sandbox.url}/webhooks?endpoint=${endpoint}`)).json()) as { deliveries: { body: string; webhook_id: string; webhook_timestamp: string; webhook_signature: string; content_type: string }[] };
    expect(listed.deliveries.map((delivery) => delivery.body)).toEqual(['{"n":2}', '{"n": 1}']);
    const [newest] = listed.deliveries;
    expect(newest?.content_type).toBe("application/json");
    // The body is kept byte for byte: the signature still verifies.
    expect(new Webhook(secret).verify(newest?.body ?? "", { "webhook-id": newest?.webhook_id ?? "", "webhook-timestamp": newest?.webhook_timestamp ?? "", "webhook-signature": newest?.webhook_signature ?? "" })).toEqual({ n: 2 });
    expect(sandbox.webhooks(other)).toHaveLength(1);
  });

  it("answers 500 for the next `count` deliveries, keeps none of them, then accepts again; counts every POST", async () => {
    const endpoint = fresh();
    expect((await fault(endpoint, { mode: "error_5xx", count: 2 })).status).toBe(200);
    expect((await deliver(endpoint, "{}")).status).toBe(500);
    expect((await deliver(endpoint, "{}")).status).toBe(500);
    expect((await deliver(endpoint, "{}")).status).toBe(204);
    expect(sandbox.webhooks(endpoint)).toHaveLength(1);
    expect(sandbox.webhookRequests(endpoint)).toBe(3);
  });

  it("never answers with the timeout fault, and answers 410 with `gone`", async () => {
    const endpoint = fresh();
    await fault(endpoint, { mode: "timeout", count: 1 });
    await expect(deliver(endpoint, "{}", undefined, AbortSignal.timeout(300))).rejects.toThrow();
    await fault(endpoint, { mode: "gone" });
    expect((await deliver(endpoint, "{}")).status).toBe(410);
    await fault(endpoint, { mode: "none" });
    expect((await deliver(endpoint, "{}")).status).toBe(204);
  });

  it("refuses a malformed fault, a bad endpoint name, the wrong method and an oversized body", async () => {
    expect((await fault(fresh(), { mode: "explode" })).status).toBe(400);
    expect((await fault(fresh(), { mode: "error_5xx", count: 0 })).status).toBe(400);
    expect((await fetch(`${sandbox.url}/webhooks/${"x".repeat(65)}`, { method: "POST", body: "{}" })).status).toBe(400);
    expect((await fetch(`${sandbox.url}/webhooks/${fresh()}`)).status).toBe(405);
    expect((await deliver(fresh(), "x".repeat(256 * 1024 + 1))).status).toBe(413);
    expect((await fetch(`${sandbox.url}/webhooks?endpoint=${encodeURIComponent("a b")}`)).status).toBe(400);
  });

  it("keeps its inbox across a restart when given a file, and DELETE empties it", async () => {
    const file = join(mkdtempSync(join(tmpdir(), "webhook-inbox-")), "webhooks.json");
    const first = await startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file });
    const endpoint = fresh();
    expect((await fetch(`${first.url}/webhooks/${endpoint}`, { method: "POST", body: '{"kept":true}' })).status).toBe(204);
    await first.close();
    const second = await startSmsSandbox({ ...sandboxOptions(), webhookInboxFile: file });
    try {
      expect(second.webhooks(endpoint).map((delivery) => delivery.body)).toEqual(['{"kept":true}']);
      expect((await fetch(`${second.url}/webhooks?endpoint=${endpoint}`, { method: "DELETE" })).status).toBe(204);
      expect(second.webhooks(endpoint)).toEqual([]);
    } finally {
      await second.close();
    }
  });
});
