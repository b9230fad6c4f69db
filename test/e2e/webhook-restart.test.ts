/**
 * Webhooks across an issuer restart, on a stack of its own (both workers under `wrangler dev`):
 * deliveries are in flight when the issuer's process is killed, and with it the queue's messages
 * (workerd keeps the local queue in memory). Postgres holds every delivery, so after the restart
 * each event still reaches the receiver; a receiver that dedupes by `webhook-id` sees each once.
 */
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freshPhone, codeInSms } from "../support/test-identities";
import { startLocalStack, type LocalStack } from "../support/local-stack";
import { fireCron } from "../../dev/cron-ticker";

let stack: LocalStack;

beforeAll(async () => {
  stack = await startLocalStack({
    label: "webhooks",
    redisDatabase: 15,
    issuerHost: "127.0.0.1",
    // Attempts time out after two seconds; a delivery due a second ago without an attempt lost its message.
    issuerVars: { WEBHOOK_RETRY_DELAYS: "1,2,4,8", WEBHOOK_TIMEOUT_SECONDS: "2", WEBHOOK_LOST_MESSAGE_SECONDS: "1" },
  });
});

afterAll(async () => {
  await stack.close();
});

async function admin(path: string, init: { method?: string; body?: string } = {}): Promise<Response> {
  return fetch(new URL(path, stack.urls.issuer), { ...init, headers: { authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}`, "content-type": "application/json" } });
}

async function signIn(apiKey: string): Promise<string> {
  const phone = freshPhone();
  const headers = { "x-api-key": apiKey, "content-type": "application/json" };
  expect((await fetch(new URL("/api/auth/request", stack.urls.issuer), { method: "POST", headers, body: JSON.stringify({ phone }) })).status).toBe(202);
  const code = codeInSms(stack.standIns.sms.messages(phone)[0]?.body);
  if (code === null) throw new Error(`no code for ${phone}`);
  const verified = await fetch(new URL("/api/auth/verify", stack.urls.issuer), { method: "POST", headers, body: JSON.stringify({ phone, code }) });
  expect(verified.status).toBe(200);
  return ((await verified.json()) as { user_id: string }).user_id;
}

async function until<T>(what: string, probe: () => Promise<T | null> | T | null, timeoutMs = 90_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

describe("webhooks across an issuer restart", () => {
  it("loses nothing and, deduplicated by webhook-id, duplicates nothing when the issuer dies mid-delivery", async () => {
    const created = await admin("/api/admin/tenants", { method: "POST", body: JSON.stringify({ name: "Restart", slug: `restart-${Date.now()}` }) });
    const tenant = (await created.json()) as { tenant_id: string; api_key: string };
    const endpoint = `restart-${Date.now()}`;
    const hook = await admin(`/api/admin/tenants/${tenant.tenant_id}/webhooks`, {
      method: "POST",
      body: JSON.stringify({ url: `${stack.standIns.sms.url}/webhooks/${endpoint}`, events: ["user.created", "session.created"] }),
    });
    expect(hook.status).toBe(201);
    const webhook = (await hook.json()) as { webhook_id: string; secret: string };

    // The receiver hangs: every attempt is still waiting for its answer when the issuer is killed.
    stack.standIns.sms.setWebhookFault(endpoint, { mode: "timeout" });
    const users = [await signIn(tenant.api_key), await signIn(tenant.api_key), await signIn(tenant.api_key)];
    await until("attempts in flight", () => (stack.standIns.sms.webhookRequests(endpoint) >= 1 ? true : null));
    await stack.restartIssuer();

    // The receiver recovers; the cron finds the deliveries whose messages died with the process
    // once their claims (held for twice the attempt timeout and a margin) lapse.
    stack.standIns.sms.setWebhookFault(endpoint, { mode: "none" });
    const receiver = new Webhook(webhook.secret);
    const events = await until("six distinct events", async () => {
      await fireCron(stack.urls.issuer);
      const unique = new Map<string, { type: string; data: { user_id: string } }>();
      for (const delivery of stack.standIns.sms.webhooks(endpoint)) {
        const payload = receiver.verify(delivery.body, {
          "webhook-id": delivery.webhook_id ?? "",
          "webhook-timestamp": delivery.webhook_timestamp ?? "",
          "webhook-signature": delivery.webhook_signature ?? "",
        }) as { type: string; data: { user_id: string } };
        unique.set(delivery.webhook_id ?? "", payload);
      }
      return unique.size >= 6 ? unique : null;
    });
    expect(events.size).toBe(6);
    const seen = [...events.values()].map((event) => `${event.type} ${event.data.user_id}`).sort();
    expect(seen).toEqual(users.flatMap((user) => [`session.created ${user}`, `user.created ${user}`]).sort());

    const listed = await admin(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}/deliveries`);
    const deliveries = ((await listed.json()) as { deliveries: { status: string; attempt_count: number }[] }).deliveries;
    expect(deliveries).toHaveLength(6);
    await until("every delivery recorded as succeeded", async () => {
      const again = ((await (await admin(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}/deliveries`)).json()) as { deliveries: { status: string }[] }).deliveries;
      return again.every((delivery) => delivery.status === "succeeded") ? true : null;
    });
    // At least once, not more than the attempts made: the receiver got no copy the issuer did not try to send.
    expect(stack.standIns.sms.webhooks(endpoint).length).toBeLessThanOrEqual(stack.standIns.sms.webhookRequests(endpoint));
  });
});
