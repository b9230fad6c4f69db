import { env } from "cloudflare:workers";
import { eq, sql } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { auditEvents, otpRequests } from "../../../drizzle/schema";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { createTenant, expectError, freshPhone, inbox, requestCode, setSandboxFault } from "./support/issuer-client";

// Faults are set for one fresh number at a time, so test files running side by side never see them.
const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

async function attemptsOf(requestId: string): Promise<{ status: string; provider: string | null; providerMessageId: string | null; attempts: unknown[] }> {
  const [row] = await db.select().from(otpRequests).where(eq(otpRequests.id, requestId));
  if (!row) throw new Error(`no otp_requests row for ${requestId}`);
  return row;
}

async function auditTypesOf(requestId: string): Promise<string[]> {
  const rows = await db.select().from(auditEvents).where(sql`${auditEvents.details} ->> 'otp_request_id' = ${requestId}`);
  return rows.map((row) => row.type).sort();
}

describe("SMS delivery with failover", () => {
  it("sends through Twilio first and records the attempt", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    const response = await requestCode(tenant.api_key, phone);
    expect(response.status).toBe(202);
    const { request_id } = (await response.json<{ request_id: string }>());
    expect((await inbox(phone))[0]?.provider).toBe("twilio");
    const row = await attemptsOf(request_id);
    expect(row).toMatchObject({ status: "sent", provider: "twilio", providerMessageId: expect.stringMatching(/^SM/) });
    expect(row.attempts).toEqual([expect.objectContaining({ provider: "twilio", outcome: "accepted" })]);
  });

  it("records a sent code's request and its audit events", async () => {
    const tenant = await createTenant();
    const response = await requestCode(tenant.api_key, freshPhone());
    const { request_id } = await response.json<{ request_id: string }>();
    expect((await attemptsOf(request_id)).status).toBe("sent");
    expect(await auditTypesOf(request_id)).toEqual(["auth.code_requested", "auth.code_sent"]);
  });

  it("records a failed send's request and its audit events", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await setSandboxFault("twilio", "error_5xx", [phone]);
    await setSandboxFault("sns", "error_5xx", [phone]);
    try {
      await expectError(await requestCode(tenant.api_key, phone), 502, "sms_unavailable");
    } finally {
      await setSandboxFault("twilio", "none", [phone]);
      await setSandboxFault("sns", "none", [phone]);
    }
    const [row] = await db.select().from(otpRequests).where(eq(otpRequests.tenantId, tenant.tenant_id));
    expect(row?.status).toBe("failed");
    expect(await auditTypesOf(row?.id ?? "")).toEqual(["auth.code_requested", "auth.code_send_failed"]);
  });

  it("fails over to SNS when Twilio answers 5xx", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await setSandboxFault("twilio", "error_5xx", [phone]);
    const response = await requestCode(tenant.api_key, phone);
    expect(response.status).toBe(202);
    const { request_id } = (await response.json<{ request_id: string }>());
    const [message] = await inbox(phone);
    expect(message?.provider).toBe("sns");
    expect(message?.body).toMatch(/verification code is: \d{6}\./);
    const row = await attemptsOf(request_id);
    expect(row).toMatchObject({ status: "sent", provider: "sns" });
    expect(row.attempts).toEqual([
      expect.objectContaining({ provider: "twilio", outcome: "transient_failure" }),
      expect.objectContaining({ provider: "sns", outcome: "accepted" }),
    ]);
  });

  it("fails over to SNS when Twilio does not answer in time", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await setSandboxFault("twilio", "timeout", [phone]);
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
    expect((await inbox(phone))[0]?.provider).toBe("sns");
  });

  it("does not fail over when Twilio says the number is invalid: 400 invalid_phone", async () => {
    const tenant = await createTenant();
    const phone = freshPhone();
    await setSandboxFault("twilio", "reject_number", [phone]);
    await expectError(await requestCode(tenant.api_key, phone), 400, "invalid_phone");
    expect(await inbox(phone)).toEqual([]);
  });

  it("answers 502 sms_unavailable when every provider fails, and the failed send uses up neither the phone's limit nor the tenant's budget", async () => {
    const tenant = await createTenant({ rate_limit_per_hour: 1, sms_daily_budget: 1 });
    const phone = freshPhone();
    await setSandboxFault("twilio", "error_5xx", [phone]);
    await setSandboxFault("sns", "error_5xx", [phone]);
    await expectError(await requestCode(tenant.api_key, phone), 502, "sms_unavailable");
    await setSandboxFault("twilio", "none", [phone]);
    await setSandboxFault("sns", "none", [phone]);
    expect((await requestCode(tenant.api_key, phone)).status).toBe(202);
  });
});
