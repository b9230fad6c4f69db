import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents as auditRows, users, webhookEndpoints, webhookEvents } from "../../../drizzle/schema";
import { WEBHOOK_EVENT_TYPES } from "../../../shared/domain/webhook-events";
import { testDb } from "./support/account-rows";
import { runCron } from "./support/cron";
import { adminFetch, createTenant, expectError, freshIp, freshPhone, issuerFetch, jsonRequest, latestCode, requestCode, signIn, verifyCode, withBearer } from "./support/issuer-client";
import { deps, enrolTotp, removeTotp, sessionToken } from "./support/second-factors";
import {
  awaitDelivery,
  awaitEvents,
  createWebhook,
  deliveries,
  freshEndpoint,
  received,
  receiverUrl,
  setReceiverFault,
  type VerifiedEvent,
} from "./support/webhook-receiver";

const ofType = (events: VerifiedEvent[], type: string) => events.filter((event) => event.type === type);
const hasAll = (...types: string[]) => (events: VerifiedEvent[]) => types.every((type) => ofType(events, type).length > 0);

describe("webhook endpoints (admin API)", () => {
  it("creates an endpoint and shows its whsec_ secret once, never again", async () => {
    const tenant = await createTenant();
    const created = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created", "session.revoked"]);
    expect(created.webhook_id).toMatch(/^whk_/);
    expect(created.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    expect(created).toMatchObject({ events: ["user.created", "session.revoked"], enabled: true });
    const shown = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${created.webhook_id}`);
    const text = await shown.text();
    expect(shown.status).toBe(200);
    expect(text).not.toContain(created.secret.slice(6));
    expect(text).not.toContain("secret");
    const listed = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks`)).json<{ webhooks: { webhook_id: string }[] }>();
    expect(listed.webhooks.map((webhook) => webhook.webhook_id)).toEqual([created.webhook_id]);
  });

  it("stores the secret sealed, not as the whsec_ value", async () => {
    const tenant = await createTenant();
    const created = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    const [row] = await testDb.select().from(webhookEndpoints).where(eq(webhookEndpoints.id, created.webhook_id));
    expect(row?.sealedSecret).toMatch(/^v2\./);
    expect(row?.sealedSecret).not.toContain(created.secret.slice(6, 20));
  });

  it("changes the URL, the events and enabled; deletes; a deleted endpoint is 404", async () => {
    const tenant = await createTenant();
    const created = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    const path = `/api/admin/tenants/${tenant.tenant_id}/webhooks/${created.webhook_id}`;
    const patched = await adminFetch(path, jsonRequest("PATCH", { events: ["user.deleted", "mfa.enrolled"], enabled: false }));
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({ events: ["user.deleted", "mfa.enrolled"], enabled: false, disabled_reason: "operator" });
    const enabled = await adminFetch(path, jsonRequest("PATCH", { enabled: true }));
    expect(await enabled.json()).toMatchObject({ enabled: true, disabled_reason: null });
    expect((await adminFetch(path, { method: "DELETE" })).status).toBe(204);
    await expectError(await adminFetch(path), 404, "not_found");
    await expectError(await adminFetch(path, jsonRequest("PATCH", { enabled: true })), 404, "not_found");
  });

  it("another tenant's endpoint is not found through this tenant", async () => {
    const [owner, other] = [await createTenant(), await createTenant()];
    const created = await createWebhook(owner.tenant_id, freshEndpoint(), ["user.created"]);
    await expectError(await adminFetch(`/api/admin/tenants/${other.tenant_id}/webhooks/${created.webhook_id}`), 404, "not_found");
    await expectError(await adminFetch(`/api/admin/tenants/${other.tenant_id}/webhooks/${created.webhook_id}`, { method: "DELETE" }), 404, "not_found");
    await expectError(await adminFetch(`/api/admin/tenants/${other.tenant_id}/webhooks/${created.webhook_id}/deliveries`), 404, "not_found");
  });

  it.each([
    ["an unknown event type", { url: "https://hooks.example.com/a", events: ["user.hacked"] }, "events.0"],
    ["no event type", { url: "https://hooks.example.com/a", events: [] }, "events"],
    ["a repeated event type", { url: "https://hooks.example.com/a", events: ["user.created", "user.created"] }, "events"],
    ["no URL", { events: ["user.created"] }, "url"],
    ["an unknown field", { url: "https://hooks.example.com/a", events: ["user.created"], secret: "whsec_mine" }, "secret"],
  ])("refuses %s with 400 invalid_request", async (_name, body, field) => {
    const tenant = await createTenant();
    const refused = await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks`, jsonRequest("POST", body)), 400, "invalid_request");
    expect(refused.error.field).toBe(field);
  });

  it.each([
    ["cloud metadata 169.254.169.254", "https://169.254.169.254/latest/meta-data/"],
    ["a private address", "https://10.1.2.3/hook"],
    ["a private address spelled as one decimal number", "https://167772161/hook"],
    ["IPv4-mapped private IPv6", "https://[::ffff:192.168.0.1]/hook"],
    ["an internal name", "https://metadata.google.internal/"],
    ["plain http to a public host", "http://hooks.example.com/hook"],
    ["credentials in the URL", "https://user:pass@hooks.example.com/hook"],
  ])("SSRF: a webhook to %s is refused, on create and on change", async (_name, url) => {
    const tenant = await createTenant();
    const refused = await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks`, jsonRequest("POST", { url, events: ["user.created"] })), 400, "invalid_request");
    expect(refused.error.field).toBe("url");
    const created = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${created.webhook_id}`, jsonRequest("PATCH", { url })), 400, "invalid_request");
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${created.webhook_id}`)).status).toBe(200);
  });

  it("a webhook for a tenant that does not exist is 404, and a malformed id is 404 before any query", async () => {
    await expectError(await adminFetch("/api/admin/tenants/tn_00000000000000000000000000/webhooks", jsonRequest("POST", { url: "https://hooks.example.com/a", events: ["user.created"] })), 404, "not_found");
    const tenant = await createTenant();
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/not-an-id`), 404, "not_found");
  });

  it("refuses the admin routes without the admin token", async () => {
    const tenant = await createTenant();
    await expectError(await issuerFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks`), 401, "unauthorized");
  });
});

describe("webhook events, each from the action that makes it true", () => {
  it("phone sign-in: user.created and session.created, signed so an independent receiver accepts them", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    const webhook = await createWebhook(tenant.tenant_id, endpoint, [...WEBHOOK_EVENT_TYPES]);
    const user = await signIn(tenant);
    const events = await awaitEvents(endpoint, webhook.secret, hasAll("user.created", "session.created"));
    const [created] = ofType(events, "user.created");
    const [session] = ofType(events, "session.created");
    expect(created?.data).toMatchObject({ user_id: user.user_id, phone: user.phone, roles: ["user"] });
    expect(session?.data).toMatchObject({ user_id: user.user_id, amr: ["sms"] });
    expect(created?.webhookId).toMatch(/^evt_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(new Date(created?.timestamp ?? "").toISOString()).toBe(created?.timestamp);
    for (const event of events) expect(JSON.stringify(event.data)).not.toMatch(/refresh_token|password_hash|"code"/);
  });

  it("admin change, logout, lockout and deletion: user.updated, session.revoked, user.locked_out, user.deleted", async () => {
    const tenant = await createTenant({ max_otp_attempts: 10, rate_limit_per_hour: 10 });
    const endpoint = freshEndpoint();
    const user = await signIn(tenant);
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.updated", "session.revoked", "user.locked_out", "user.deleted"]);
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, jsonRequest("PATCH", { roles: ["user", "editor"] }))).status).toBe(200);
    expect((await issuerFetch("/api/auth/logout", withBearer(user.token, { method: "POST" }))).status).toBe(204);
    // Twenty wrong codes from one network lock that network out of the phone's sign-in.
    const phone = freshPhone();
    const attacker = freshIp();
    for (let round = 0; round < 2; round++) {
      expect((await requestCode(tenant.api_key, phone, attacker)).status).toBe(202);
      const wrong = (await latestCode(phone)).startsWith("0") ? "111111" : "000000";
      for (let attempt = 0; attempt < 10; attempt++) await verifyCode(tenant.api_key, phone, wrong, attacker);
    }
    expect((await adminFetch(`/api/admin/users/${user.user_id}`, { method: "DELETE" })).status).toBe(204);
    const events = await awaitEvents(endpoint, webhook.secret, hasAll("user.updated", "session.revoked", "user.locked_out", "user.deleted"));
    expect(ofType(events, "user.updated")[0]?.data).toEqual({ user_id: user.user_id, changed_fields: ["roles"], changes: { roles: ["user", "editor"] } });
    expect(ofType(events, "session.revoked")[0]?.data).toMatchObject({ user_id: user.user_id, session_id: expect.stringMatching(/^ses_/) });
    expect(ofType(events, "user.locked_out")[0]?.data).toMatchObject({ method: "phone" });
    expect(ofType(events, "user.deleted")[0]?.data).toEqual({ user_id: user.user_id });
    // Only what the endpoint subscribed to: the sign-in's user.created and session.created were not sent.
    expect(ofType(events, "user.created")).toHaveLength(0);
    expect(ofType(events, "session.created")).toHaveLength(0);
  });

  it("a second factor: mfa.enrolled and mfa.removed", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    const user = await signIn(tenant);
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["mfa.enrolled", "mfa.removed"]);
    const strong = await sessionToken(tenant, user.user_id);
    await enrolTotp(strong.token);
    expect((await removeTotp(strong.token)).status).toBe(204);
    const events = await awaitEvents(endpoint, webhook.secret, hasAll("mfa.enrolled", "mfa.removed"));
    expect(ofType(events, "mfa.enrolled")[0]?.data).toMatchObject({ user_id: user.user_id, factor: "totp" });
    expect(ofType(events, "mfa.removed")[0]?.data).toMatchObject({ user_id: user.user_id, factor: "totp" });
  });

  it("another tenant's activity is never sent to this tenant's endpoint", async () => {
    const [watched, other] = [await createTenant(), await createTenant()];
    const endpoint = freshEndpoint();
    const webhook = await createWebhook(watched.tenant_id, endpoint, ["user.created"]);
    await signIn(other);
    const mine = await signIn(watched);
    const events = await awaitEvents(endpoint, webhook.secret, (list) => list.length >= 1);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(verifiedTypes(await received(endpoint))).toEqual(["user.created"]);
    expect(events[0]?.data).toMatchObject({ user_id: mine.user_id });
  });

  it("a change that rolls back writes no event: the outbox row is in the same transaction", async () => {
    const tenant = await createTenant();
    await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    const userId = `usr_${"0".repeat(26)}`;
    await expect(
      testDb.batch([
        testDb.insert(users).values({ id: userId, tenantId: tenant.tenant_id, phone: freshPhone(), roles: ["user"] }),
        testDb.execute(sql`select 1 / 0`),
      ]),
    ).rejects.toThrow();
    expect(await testDb.select().from(webhookEvents).where(eq(webhookEvents.tenantId, tenant.tenant_id))).toEqual([]);
  });

  it("a user inserted and deleted in one transaction (a lost sign-in race) never existed: no user.created", async () => {
    const tenant = await createTenant();
    await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    const userId = `usr_${"1".repeat(26)}`;
    await testDb.batch([
      testDb.insert(users).values({ id: userId, tenantId: tenant.tenant_id, phone: freshPhone(), roles: ["user"] }),
      testDb.delete(users).where(eq(users.id, userId)),
    ]);
    expect(await testDb.select().from(webhookEvents).where(eq(webhookEvents.tenantId, tenant.tenant_id))).toEqual([]);
  });
});

describe("webhook delivery", () => {
  it("retries after the receiver fails, until it succeeds, with the same webhook-id; every attempt is recorded", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    await setReceiverFault(endpoint, { mode: "error_5xx", count: 2 });
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.created"]);
    await signIn(tenant);
    const delivery = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.status === "succeeded");
    expect(delivery.attempt_count).toBe(3);
    expect(delivery.attempts.map((attempt) => attempt.response_status)).toEqual([204, 500, 500]);
    expect(delivery.attempts[1]).toMatchObject({ succeeded: false, error: "http_status", response_excerpt: expect.stringContaining("sandbox fault") });
    const events = await awaitEvents(endpoint, webhook.secret, (list) => list.length >= 1);
    expect(events.map((event) => event.webhookId)).toEqual([delivery.event.id]);
  });

  it("an attempt that times out is recorded as a timeout and retried", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    await setReceiverFault(endpoint, { mode: "timeout", count: 1 });
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.created"]);
    await signIn(tenant);
    const delivery = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.status === "succeeded");
    expect(delivery.attempts.map((attempt) => attempt.error)).toEqual([null, "timeout"]);
    expect(delivery.attempts[1]?.response_status).toBeNull();
  });

  it("gives up when the schedule runs out (dead), and an operator's retry sends it again with the same webhook-id", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    await setReceiverFault(endpoint, { mode: "error_5xx" });
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.created"]);
    await signIn(tenant);
    const dead = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.status === "dead");
    expect(dead).toMatchObject({ attempt_count: 4, dead_reason: "retries_exhausted" });
    await setReceiverFault(endpoint, { mode: "none" });
    const retried = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}/deliveries/${dead.delivery_id}/retry`, { method: "POST" });
    expect(retried.status).toBe(202);
    expect(await retried.json()).toMatchObject({ delivery_id: dead.delivery_id, status: "pending" });
    const succeeded = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.status === "succeeded");
    expect(succeeded.attempt_count).toBe(5);
    const events = await awaitEvents(endpoint, webhook.secret, (list) => list.length >= 1);
    expect(events.map((event) => event.webhookId)).toEqual([dead.event.id]);
  });

  it("an endpoint answering 404 has a failed attempt recorded with that status", async () => {
    const tenant = await createTenant();
    const webhook = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    // The sandbox answers 404 to paths it does not serve.
    await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}`, jsonRequest("PATCH", { url: receiverUrl("x").replace("/webhooks/x", "/no-such-path") }));
    await signIn(tenant);
    const failed = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.attempt_count >= 1);
    expect(failed.attempts.at(-1)).toMatchObject({ succeeded: false, response_status: 404, error: "http_status" });
  });

  it("race: two consumers claiming one delivery at once, exactly one wins and sends it", async () => {
    const tenant = await createTenant();
    const webhook = await createWebhook(tenant.tenant_id, freshEndpoint(), ["user.created"]);
    await signIn(tenant);
    const sent = await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (newest) => newest.status === "succeeded");
    // Made due again without a queue message, so only the two claims below compete for it.
    const now = new Date();
    expect(await deps.webhooks.reopenDelivery(tenant.tenant_id, webhook.webhook_id, sent.delivery_id, now)).not.toBeNull();
    const claims = await Promise.all(Array.from({ length: 8 }, () => deps.webhookLedger.claim(sent.delivery_id, now, new Date(now.getTime() + 60_000))));
    expect(claims.filter((claim) => claim !== null)).toHaveLength(1);
  });

  it("lists deliveries newest first with a cursor, and refuses a forged cursor", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["session.created"]);
    const user = await signIn(tenant);
    await signIn(tenant, user.phone);
    await signIn(tenant, user.phone);
    await awaitEvents(endpoint, webhook.secret, (list) => list.length >= 3);
    const first = await deliveries(tenant.tenant_id, webhook.webhook_id, "?limit=2");
    expect(first.deliveries).toHaveLength(2);
    expect(first.next_cursor).toEqual(expect.any(String));
    const second = await deliveries(tenant.tenant_id, webhook.webhook_id, `?limit=2&cursor=${first.next_cursor}`);
    expect(second.deliveries).toHaveLength(1);
    expect(second.next_cursor).toBeNull();
    const ids = [...first.deliveries, ...second.deliveries].map((delivery) => delivery.delivery_id);
    expect(new Set(ids).size).toBe(3);
    await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}/deliveries?cursor=AAAA`), 400, "invalid_request");
  });

  it("a disabled endpoint gets nothing; an endpoint failing for days is disabled by the cron, with an audit event", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.created"]);
    await testDb.update(webhookEndpoints).set({ failingSince: new Date(Date.now() - 6 * 24 * 3600 * 1000) }).where(eq(webhookEndpoints.id, webhook.webhook_id));
    await runCron();
    const shown = await (await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/webhooks/${webhook.webhook_id}`)).json();
    expect(shown).toMatchObject({ enabled: false, disabled_reason: "failing" });
    const audit = await testDb.select().from(auditRows).where(sql`${auditRows.tenantId} = ${tenant.tenant_id} and ${auditRows.type} = 'webhook.endpoint_disabled'`);
    expect(audit[0]?.details).toMatchObject({ webhook_id: webhook.webhook_id, reason: "failing" });
    await signIn(tenant);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(await received(endpoint)).toEqual([]);
  });
});

function verifiedTypes(deliveries: { body: string }[]): string[] {
  return deliveries.map((delivery) => (JSON.parse(delivery.body) as { type: string }).type);
}
