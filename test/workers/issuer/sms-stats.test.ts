import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, otpRequests } from "../../../drizzle/schema";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { twilioSignature } from "../../../shared/crypto/twilio-signature";
import { newId } from "../../../shared/crypto/ids";
import { adminFetch, createTenant, expectError, freshPhone, ISSUER, issuerFetch, jsonRequest, requestCode } from "./support/issuer-client";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
const DAY_MS = 86_400_000;

interface SmsStats {
  tenant_id: string;
  window: { from: string; to: string };
  sends: { requested: number; sent: number; failed: number };
  blocks: Record<string, number>;
  delivery: { delivered: number; undelivered: number; failed: number; unknown: number; delivery_rate: number | null };
  estimated_spend: { currency: string; total: number; by_country: Record<string, { sends: number; estimated_cost: number }> };
}

async function smsStats(tenantId: string, query = ""): Promise<SmsStats> {
  const response = await adminFetch(`/api/admin/tenants/${tenantId}/sms-stats${query}`);
  expect(response.status, await response.clone().text()).toBe(200);
  return response.json<SmsStats>();
}

/** A code request row as the request path writes it, `daysAgo` days back. */
async function seedSend(tenantId: string, row: { country: string | null; status: "sent" | "failed"; delivery: string | null; errorCode?: number; daysAgo?: number }): Promise<void> {
  await db.insert(otpRequests).values({
    id: newId("req"),
    tenantId,
    phoneHash: crypto.randomUUID(),
    phoneCountry: row.country,
    status: row.status,
    provider: "twilio",
    providerMessageId: row.status === "sent" ? `SM${crypto.randomUUID().replace(/-/g, "")}` : null,
    deliveryStatus: row.delivery,
    deliveryErrorCode: row.errorCode ?? null,
    createdAt: new Date(Date.now() - (row.daysAgo ?? 0) * DAY_MS),
  });
}

async function seedEvent(tenantId: string, type: string, outcome: string, details: Record<string, unknown>, daysAgo = 0): Promise<void> {
  await db.insert(auditEvents).values({ id: newId("evt"), type, outcome, tenantId, details, createdAt: new Date(Date.now() - daysAgo * DAY_MS) });
}

/** What Twilio posts when the handset got the message. */
async function reportDelivered(messageSid: string): Promise<void> {
  const params: [string, string][] = [["MessageSid", messageSid], ["MessageStatus", "delivered"], ["AccountSid", env.TWILIO_ACCOUNT_SID]];
  const signature = await twilioSignature(env.TWILIO_AUTH_TOKEN, `${ISSUER}/api/webhooks/twilio/status`, params);
  const response = await issuerFetch("/api/webhooks/twilio/status", {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature },
    body: new URLSearchParams(params).toString(),
  });
  expect(response.status).toBe(204);
}

describe("GET /api/admin/tenants/{id}/sms-stats", () => {
  it("counts the tenant's sends, delivery reports, refusals and estimated spend in the window", async () => {
    const tenant = await createTenant();
    const other = await createTenant();

    // Two real sends through the worker (US numbers, Twilio); one of them is then reported delivered.
    const first = await requestCode(tenant.api_key, freshPhone());
    expect(first.status).toBe(202);
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(202);
    const [firstRow] = await db.select().from(otpRequests).where(eq(otpRequests.id, (await first.json<{ request_id: string }>()).request_id));
    await reportDelivered(firstRow?.providerMessageId ?? "");
    // A real refusal: the tenant now only allows GB numbers.
    expect((await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { allowed_countries: ["GB"] } }))).status).toBe(200);
    expect((await requestCode(tenant.api_key, freshPhone())).status).toBe(403);

    await seedSend(tenant.tenant_id, { country: "GB", status: "sent", delivery: "delivered" });
    await seedSend(tenant.tenant_id, { country: "DE", status: "sent", delivery: "undelivered", errorCode: 30003 });
    await seedSend(tenant.tenant_id, { country: "FR", status: "sent", delivery: "failed", errorCode: 30007 });
    await seedSend(tenant.tenant_id, { country: null, status: "sent", delivery: "sent" });
    await seedSend(tenant.tenant_id, { country: "US", status: "failed", delivery: null });
    await seedSend(tenant.tenant_id, { country: "US", status: "sent", delivery: "delivered", daysAgo: 40 });
    await seedSend(other.tenant_id, { country: "US", status: "sent", delivery: "delivered" });

    await seedEvent(tenant.tenant_id, "auth.rate_limited", "blocked", { limit: "phone_per_hour" });
    await seedEvent(tenant.tenant_id, "auth.rate_limited", "blocked", { limit: "phone_per_hour" });
    await seedEvent(tenant.tenant_id, "auth.code_blocked", "blocked", { reason: "risk" });
    await seedEvent(tenant.tenant_id, "auth.code_requested", "blocked", { reason: "voip" });
    await seedEvent(tenant.tenant_id, "auth.rate_limited", "blocked", { limit: "phone_per_hour" }, 40);
    await seedEvent(other.tenant_id, "auth.code_requested", "blocked", { reason: "voip" });

    const stats = await smsStats(tenant.tenant_id);
    expect(stats).toMatchObject({
      tenant_id: tenant.tenant_id,
      sends: { requested: 7, sent: 6, failed: 1 },
      blocks: { country: 1, voip: 1, risk: 1, "rate_limited:phone_per_hour": 2 },
      delivery: { delivered: 2, undelivered: 1, failed: 1, unknown: 2, delivery_rate: 0.5 },
      estimated_spend: {
        currency: "USD",
        total: 0.3275,
        by_country: {
          US: { sends: 2, estimated_cost: 0.0158 },
          GB: { sends: 1, estimated_cost: 0.0524 },
          DE: { sends: 1, estimated_cost: 0.0995 },
          FR: { sends: 1, estimated_cost: 0.0798 },
          ZZ: { sends: 1, estimated_cost: 0.08 },
        },
      },
    });
    expect(Object.keys(stats.blocks).sort()).toEqual(["country", "rate_limited:phone_per_hour", "risk", "voip"]);
    expect(Object.keys(stats.estimated_spend.by_country).sort()).toEqual(["DE", "FR", "GB", "US", "ZZ"]);
    const from = Date.parse(stats.window.from);
    const to = Date.parse(stats.window.to);
    expect(to - from).toBe(30 * DAY_MS);
    expect(Math.abs(to - Date.now())).toBeLessThan(60_000);
  });

  it("looks back `days` days: a send 10 days old counts in 30 but not in 7", async () => {
    const tenant = await createTenant();
    await seedSend(tenant.tenant_id, { country: "GB", status: "sent", delivery: "delivered", daysAgo: 10 });
    await seedEvent(tenant.tenant_id, "auth.code_requested", "blocked", { reason: "country" }, 10);
    expect(await smsStats(tenant.tenant_id, "?days=30")).toMatchObject({ sends: { requested: 1, sent: 1 }, blocks: { country: 1 } });
    const week = await smsStats(tenant.tenant_id, "?days=7");
    expect(week).toMatchObject({ sends: { requested: 0, sent: 0, failed: 0 }, blocks: {} });
    expect(Date.parse(week.window.to) - Date.parse(week.window.from)).toBe(7 * DAY_MS);
  });

  it("answers zeros, an empty table and a null delivery rate for a tenant that sent nothing", async () => {
    const tenant = await createTenant();
    expect(await smsStats(tenant.tenant_id, "?days=1")).toMatchObject({
      sends: { requested: 0, sent: 0, failed: 0 },
      blocks: {},
      delivery: { delivered: 0, undelivered: 0, failed: 0, unknown: 0, delivery_rate: null },
      estimated_spend: { currency: "USD", total: 0, by_country: {} },
    });
  });

  it("never counts successful requests or other event types as blocks", async () => {
    const tenant = await createTenant();
    await seedEvent(tenant.tenant_id, "auth.code_requested", "success", { otp_request_id: "req_x" });
    await seedEvent(tenant.tenant_id, "auth.verify_failed", "blocked", { reason: "too_many_attempts" });
    expect((await smsStats(tenant.tenant_id)).blocks).toEqual({});
  });

  it.each([["0"], ["91"], ["1.5"], ["abc"], [""], ["-3"]])("refuses days=%s with 400 invalid_request on query.days", async (days) => {
    const tenant = await createTenant();
    const body = await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats?days=${days}`), 400, "invalid_request");
    expect(body.error.field).toBe("query.days");
  });

  it("refuses an unknown query parameter with 400 invalid_request", async () => {
    const tenant = await createTenant();
    const body = await expectError(await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats?days=7&country=US`), 400, "invalid_request");
    expect(body.error.field).toBe("query.country");
  });

  it("answers 404 not_found for an unknown or malformed tenant id", async () => {
    await expectError(await adminFetch(`/api/admin/tenants/${newId("tn")}/sms-stats`), 404, "not_found");
    await expectError(await adminFetch("/api/admin/tenants/tn_'%20or%201=1/sms-stats"), 404, "not_found");
  });

  it("needs the admin token (401 unauthorized) and only answers GET (405)", async () => {
    const tenant = await createTenant();
    await expectError(await issuerFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats`), 401, "unauthorized");
    const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/sms-stats`, { method: "POST" });
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")).toBe("GET, HEAD");
  });
});
