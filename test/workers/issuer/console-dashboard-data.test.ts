/**
 * The console dashboard's numbers, checked against actions this test performs through the
 * issuer's own routes on a fresh tenant (so nothing else counts): sign-ins and failures by
 * method, refusals, SMS sends and their estimated cost by country, deliveries per provider,
 * and webhook attempts.
 */
import { describe, expect, it } from "vitest";
import { DEFAULT_SMS_PRICE_PER_SEGMENT_USD, smsPricePerSegment } from "../../../shared/domain/sms-pricing";
import { tenantDashboard, type DashboardView } from "../../../workers/issuer/services/console/dashboard";
import { passwordUser } from "./support/accounts-client";
import { createTenant, freshIp, freshPhone, latestCode, requestCode, signIn, verifyCode, type TenantCredentials } from "./support/issuer-client";
import { deps } from "./support/second-factors";
import { awaitDelivery, createWebhook, freshEndpoint, setReceiverFault } from "./support/webhook-receiver";

const total = (view: DashboardView, key: "signIns" | "signInFailures" | "blocked" | "webhooks", name: string) =>
  (view[key].find((series) => series.name === name)?.values ?? []).reduce((sum, value) => sum + value, 0);

function dashboard(tenant: TenantCredentials, range: "24h" | "7d" | "30d" = "24h"): Promise<DashboardView | null> {
  return tenantDashboard({ tenants: deps.tenants, activity: deps.activityStats, smsStats: deps.smsStats, now: () => new Date() }, tenant.tenant_id, range);
}

describe("console dashboard data", () => {
  it("counts the sign-ins, failures, refusals, SMS and webhook attempts this test made, and nothing else", async () => {
    const tenant = await createTenant();
    const endpoint = freshEndpoint();
    await setReceiverFault(endpoint, { mode: "error_5xx", count: 1 });
    const webhook = await createWebhook(tenant.tenant_id, endpoint, ["user.created"]);

    // Three phone sign-ins (three SMS to US numbers), the first one's user.created failing once then delivered.
    await signIn(tenant);
    await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (delivery) => delivery.status === "succeeded");
    await signIn(tenant);
    await signIn(tenant);
    // Two wrong phone codes (a fourth SMS).
    const phone = freshPhone();
    await requestCode(tenant.api_key, phone);
    const wrong = (await latestCode(phone)).startsWith("0") ? "111111" : "000000";
    await verifyCode(tenant.api_key, phone, wrong);
    await verifyCode(tenant.api_key, phone, wrong);
    // One password user (signed up, verified, signed in), then a wrong password.
    const user = await passwordUser(tenant);
    const { login } = await import("./support/accounts-client");
    expect((await login(tenant.api_key, user.email, `${user.password}x`, freshIp())).status).toBe(401);
    await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (delivery) => delivery.status === "succeeded");

    const view = await dashboard(tenant);
    if (!view) throw new Error("no dashboard");
    expect(total(view, "signIns", "phone")).toBe(3);
    expect(total(view, "signIns", "password")).toBe(1);
    expect(total(view, "signInFailures", "phone")).toBe(2);
    expect(total(view, "signInFailures", "password")).toBe(1);
    expect(view.smsByCountry.countries).toEqual(["US"]);
    expect(view.smsByCountry.sent).toEqual([4]);
    expect(view.smsByCountry.estimatedCostUsd[0]).toBeCloseTo(4 * (smsPricePerSegment("US") ?? DEFAULT_SMS_PRICE_PER_SEGMENT_USD), 6);
    const twilio = view.deliveryByProvider.providers.indexOf("twilio");
    expect(twilio).toBeGreaterThanOrEqual(0);
    expect((view.deliveryByProvider.delivered[twilio] ?? 0) + (view.deliveryByProvider.failed[twilio] ?? 0) + (view.deliveryByProvider.unknown[twilio] ?? 0)).toBe(4);
    // user.created for three phone users and one password user: four deliveries, the first attempted twice.
    await awaitDelivery(tenant.tenant_id, webhook.webhook_id, (delivery) => delivery.status === "succeeded");
    const settled = await dashboard(tenant);
    expect(total(settled as DashboardView, "webhooks", "failed")).toBe(1);
    expect(total(settled as DashboardView, "webhooks", "succeeded")).toBeGreaterThanOrEqual(1);
    expect(view.buckets).toHaveLength(24 + 1);
  });

  it("counts lockouts as refusals", async () => {
    const tenant = await createTenant({ max_otp_attempts: 10, rate_limit_per_hour: 10 });
    const phone = freshPhone();
    const attacker = freshIp();
    for (let round = 0; round < 2; round++) {
      expect((await requestCode(tenant.api_key, phone, attacker)).status).toBe(202);
      const wrong = (await latestCode(phone)).startsWith("0") ? "111111" : "000000";
      for (let attempt = 0; attempt < 10; attempt++) await verifyCode(tenant.api_key, phone, wrong, attacker);
    }
    const view = await dashboard(tenant);
    expect(total(view as DashboardView, "blocked", "lockout")).toBe(1);
  });

  it("has a bucket per hour for a day or a week, per day for thirty days, and nothing for an unknown tenant", async () => {
    const tenant = await createTenant();
    expect((await dashboard(tenant, "7d"))?.buckets).toHaveLength(168 + 1);
    expect((await dashboard(tenant, "30d"))?.buckets).toHaveLength(30 + 1);
    expect(await tenantDashboard({ tenants: deps.tenants, activity: deps.activityStats, smsStats: deps.smsStats, now: () => new Date() }, "tn_00000000000000000000000000", "24h")).toBeNull();
  });
});
