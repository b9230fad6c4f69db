/**
 * Twilio delivery reports (`POST /api/webhooks/twilio/status`). The worker listens on no
 * port, so the sandbox's own callbacks cannot reach it here: each test builds the callback
 * Twilio would send, signs it with the test's TWILIO_AUTH_TOKEN and posts it through the worker.
 */
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { otpRequests } from "../../../drizzle/schema";
import { createDatabase } from "../../../shared/adapters/neon/database";
import { twilioSignature, type TwilioParam } from "../../../shared/crypto/twilio-signature";
import { adminFetch, createTenant, expectError, freshIp, freshPhone, ISSUER, issuerFetch, requestCode, smsSandboxUrl } from "./support/issuer-client";

const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
const PATH = "/api/webhooks/twilio/status";
const CALLBACK_URL = `${ISSUER}${PATH}`;

interface AuditEventBody {
  type: string;
  outcome: string;
  tenant_id: string | null;
  details: Record<string, unknown>;
}

/** A code request sent through Twilio: its id, the SID Twilio (the sandbox) gave it, and the phone. */
async function sentCode(): Promise<{ tenantId: string; requestId: string; messageSid: string; phone: string }> {
  const tenant = await createTenant();
  const phone = freshPhone();
  const response = await requestCode(tenant.api_key, phone);
  expect(response.status, await response.clone().text()).toBe(202);
  const { request_id: requestId } = await response.json<{ request_id: string }>();
  const row = await otpRow(requestId);
  expect(row.provider).toBe("twilio");
  return { tenantId: tenant.tenant_id, requestId, messageSid: row.providerMessageId ?? "", phone };
}

async function otpRow(requestId: string) {
  const [row] = await db.select().from(otpRequests).where(eq(otpRequests.id, requestId));
  if (!row) throw new Error(`no otp_requests row for ${requestId}`);
  return row;
}

/** The form Twilio posts for an SMS status change, with the number it was sent to. */
function report(messageSid: string, status: string, phone: string, extra: TwilioParam[] = []): TwilioParam[] {
  return [
    ["AccountSid", env.TWILIO_ACCOUNT_SID],
    ["ApiVersion", "2010-04-01"],
    ["From", "+15005550006"],
    ["MessageSid", messageSid],
    ["MessageStatus", status],
    ["MessagingServiceSid", env.TWILIO_MESSAGING_SERVICE_SID],
    ["SmsSid", messageSid],
    ["SmsStatus", status],
    ["To", phone],
    ...extra,
  ];
}

interface PostOptions {
  /** The signature header; Twilio's, over CALLBACK_URL with the right token, unless given (null: none). */
  readonly signature?: string | null;
  readonly headers?: Record<string, string>;
}

async function postReport(params: TwilioParam[], options: PostOptions = {}): Promise<Response> {
  const signature = options.signature === undefined ? await twilioSignature(env.TWILIO_AUTH_TOKEN, CALLBACK_URL, params) : options.signature;
  const headers = new Headers({ "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": freshIp(), ...options.headers });
  if (signature !== null) headers.set("X-Twilio-Signature", signature);
  return issuerFetch(PATH, { method: "POST", headers, body: new URLSearchParams(params.map(([name, value]) => [name, value])).toString() });
}

async function deliveryEvents(tenantId: string): Promise<AuditEventBody[]> {
  const response = await adminFetch(`/api/admin/audit?tenant_id=${tenantId}&type=sms.delivery_status`);
  expect(response.status).toBe(200);
  return (await response.json<{ events: AuditEventBody[] }>()).events;
}

describe("Twilio sends carry the status callback", () => {
  it("passes StatusCallback = ISSUER_URL + /api/webhooks/twilio/status, and the sandbox calls it with sent, then delivered", async () => {
    const { messageSid } = await sentCode();
    // The sandbox posts its callbacks a moment later; it cannot reach issuer.test, so it records the attempts.
    let attempts: { message_sid: string; status: string; url: string }[] = [];
    for (let tries = 0; tries < 200 && attempts.length < 2; tries++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      const listed = await (await fetch(`${smsSandboxUrl()}/__sandbox/callbacks`)).json<{ callbacks: typeof attempts }>();
      attempts = listed.callbacks.filter((attempt) => attempt.message_sid === messageSid);
    }
    expect(attempts.map((attempt) => [attempt.status, attempt.url]).reverse()).toEqual([
      ["sent", CALLBACK_URL],
      ["delivered", CALLBACK_URL],
    ]);
  });
});

describe("POST /api/webhooks/twilio/status", () => {
  it("records sent, then delivered, answering 204 each time, and audits the final status without the number", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");

    const sent = await postReport(report(messageSid, "sent", phone));
    expect(sent.status).toBe(204);
    expect(await sent.text()).toBe("");
    expect(await otpRow(requestId)).toMatchObject({ deliveryStatus: "sent", deliveryErrorCode: null });
    expect(await deliveryEvents(tenantId)).toEqual([]);

    expect((await postReport(report(messageSid, "delivered", phone))).status).toBe(204);
    expect(await otpRow(requestId)).toMatchObject({ deliveryStatus: "delivered", deliveryErrorCode: null });
    const events = await deliveryEvents(tenantId);
    expect(events).toEqual([
      expect.objectContaining({ type: "sms.delivery_status", outcome: "success", tenant_id: tenantId, details: expect.objectContaining({ otp_request_id: requestId, status: "delivered", provider: "twilio" }) }),
    ]);
    const written = JSON.stringify(events);
    expect(written).not.toContain(phone.slice(1));
    expect(written).not.toContain(messageSid);
  });

  it("records undelivered with Twilio's ErrorCode and audits it as a failure", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    expect((await postReport(report(messageSid, "undelivered", phone, [["ErrorCode", "30003"]]))).status).toBe(204);
    expect(await otpRow(requestId)).toMatchObject({ deliveryStatus: "undelivered", deliveryErrorCode: 30003 });
    expect(await deliveryEvents(tenantId)).toEqual([
      expect.objectContaining({ outcome: "failure", details: expect.objectContaining({ otp_request_id: requestId, status: "undelivered", error_code: 30003 }) }),
    ]);
  });

  it("records failed as a failure too", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    expect((await postReport(report(messageSid, "failed", phone, [["ErrorCode", "30007"]]))).status).toBe(204);
    expect(await otpRow(requestId)).toMatchObject({ deliveryStatus: "failed", deliveryErrorCode: 30007 });
    expect((await deliveryEvents(tenantId)).map((event) => event.outcome)).toEqual(["failure"]);
  });

  it("never moves a final status back: a late 'sent' or 'queued' after 'delivered' changes nothing", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    expect((await postReport(report(messageSid, "delivered", phone))).status).toBe(204);
    expect((await postReport(report(messageSid, "sent", phone))).status).toBe(204);
    expect((await postReport(report(messageSid, "queued", phone))).status).toBe(204);
    expect((await otpRow(requestId)).deliveryStatus).toBe("delivered");
    expect(await deliveryEvents(tenantId)).toHaveLength(1);
  });

  it("keeps the first final status: a repeated or contradicting final report is acknowledged and ignored", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    expect((await postReport(report(messageSid, "undelivered", phone, [["ErrorCode", "30003"]]))).status).toBe(204);
    expect((await postReport(report(messageSid, "undelivered", phone, [["ErrorCode", "30003"]]))).status).toBe(204);
    expect((await postReport(report(messageSid, "delivered", phone))).status).toBe(204);
    expect(await otpRow(requestId)).toMatchObject({ deliveryStatus: "undelivered", deliveryErrorCode: 30003 });
    expect(await deliveryEvents(tenantId)).toHaveLength(1);
  });

  it("answers 204 for a message it does not know (so Twilio does not retry) and writes nothing", async () => {
    const before = await adminFetch("/api/admin/audit?type=sms.delivery_status&limit=100");
    const unknownSid = `SM${"0f".repeat(16)}`;
    const response = await postReport(report(unknownSid, "delivered", freshPhone()));
    expect(response.status).toBe(204);
    const after = await adminFetch("/api/admin/audit?type=sms.delivery_status&limit=100");
    expect((await after.json<{ events: unknown[] }>()).events).toEqual((await before.json<{ events: unknown[] }>()).events);
    expect(await db.select().from(otpRequests).where(eq(otpRequests.providerMessageId, unknownSid))).toEqual([]);
  });

  it("acknowledges statuses that say nothing about the handset (accepted, read) without recording them", async () => {
    const { requestId, messageSid, phone } = await sentCode();
    expect((await postReport(report(messageSid, "accepted", phone))).status).toBe(204);
    expect((await postReport(report(messageSid, "read", phone))).status).toBe(204);
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
  });

  it("accepts parameters Twilio adds without notice, since the signature covers them", async () => {
    const { requestId, messageSid, phone } = await sentCode();
    const response = await postReport(report(messageSid, "delivered", phone, [["RawDlrDoneDate", "2611251200"], ["ChannelPrefix", "sms"]]));
    expect(response.status).toBe(204);
    expect((await otpRow(requestId)).deliveryStatus).toBe("delivered");
  });

  it("is not behind CORS: no Access-Control-Allow-Origin, whatever the Origin", async () => {
    const { messageSid, phone } = await sentCode();
    const response = await postReport(report(messageSid, "sent", phone), { headers: { Origin: "https://app.example" } });
    expect(response.status).toBe(204);
    expect(response.headers.get("Access-Control-Allow-Origin")).toBeNull();
  });

  it("is not behind the per-IP limit on /api/auth/*: Twilio's few addresses are not throttled", async () => {
    const ip = freshIp();
    const statuses = new Set<number>();
    // RATE_LIMIT_MAX is 100 per window; unsigned posts stop at the signature check, so this is cheap.
    for (let index = 0; index < 105; index++) {
      const response = await issuerFetch(PATH, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": ip }, body: "MessageSid=x" });
      statuses.add(response.status);
    }
    expect([...statuses]).toEqual([403]);
  });
});

describe("the signature protects the webhook", () => {
  it("refuses a missing X-Twilio-Signature with 403 invalid_signature and changes nothing", async () => {
    const { requestId, messageSid, phone } = await sentCode();
    await expectError(await postReport(report(messageSid, "delivered", phone), { signature: null }), 403, "invalid_signature");
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
  });

  it("refuses a signature made with another auth token (a forger who knows the SID)", async () => {
    const { requestId, messageSid, phone } = await sentCode();
    const params = report(messageSid, "undelivered", phone, [["ErrorCode", "30003"]]);
    await expectError(await postReport(params, { signature: await twilioSignature("guessed-token-0123456789abcdef", CALLBACK_URL, params) }), 403, "invalid_signature");
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
  });

  it("refuses a body changed after signing (a replayed 'sent' turned into 'failed')", async () => {
    const { tenantId, requestId, messageSid, phone } = await sentCode();
    const signature = await twilioSignature(env.TWILIO_AUTH_TOKEN, CALLBACK_URL, report(messageSid, "sent", phone));
    await expectError(await postReport(report(messageSid, "failed", phone), { signature }), 403, "invalid_signature");
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
    expect(await deliveryEvents(tenantId)).toEqual([]);
  });

  it("checks against the configured ISSUER_URL, not the Host the request claims", async () => {
    const { requestId, messageSid, phone } = await sentCode();
    const params = report(messageSid, "delivered", phone);
    const forgedUrl = `http://attacker.test${PATH}`;
    // Signed for the URL the request was really sent to: right token, wrong URL.
    const signature = await twilioSignature(env.TWILIO_AUTH_TOKEN, forgedUrl, params);
    await expectError(await issuerFetch(PATH, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", "X-Twilio-Signature": signature, Host: "attacker.test" }, body: new URLSearchParams(params).toString() }), 403, "invalid_signature");
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
  });

  it("checks the signature before reading the report: an unsigned malformed report is 403, not 400", async () => {
    await expectError(await postReport([["MessageStatus", "exploded"]], { signature: "bm90IGEgc2lnbmF0dXJl" }), 403, "invalid_signature");
  });
});

describe("malformed callbacks", () => {
  it.each([
    ["an unknown MessageStatus", (sid: string, phone: string) => report(sid, "exploded", phone), "MessageStatus"],
    ["a missing MessageSid", (sid: string, phone: string) => report(sid, "delivered", phone).filter(([name]) => name !== "MessageSid"), "MessageSid"],
    ["a MessageSid that is not a Twilio SID", (_sid: string, phone: string) => report("SM' or 1=1 --", "delivered", phone), "MessageSid"],
    ["a non-numeric ErrorCode", (sid: string, phone: string) => report(sid, "undelivered", phone, [["ErrorCode", "30003abc"]]), "ErrorCode"],
  ])("answers 400 invalid_request naming the field for %s, even when signed", async (_label, build, field) => {
    const { requestId, messageSid, phone } = await sentCode();
    const body = await expectError(await postReport(build(messageSid, phone)), 400, "invalid_request");
    expect(body.error.field).toBe(field);
    expect((await otpRow(requestId)).deliveryStatus).toBe("queued");
  });

  it("refuses JSON with 415 unsupported_media_type", async () => {
    const response = await issuerFetch(PATH, { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify({ MessageSid: "x" }) });
    const body = await expectError(response, 415, "unsupported_media_type");
    expect(body.error.message).toContain("application/x-www-form-urlencoded");
  });

  it("refuses a body over 16 KiB with 413 payload_too_large, also without a Content-Length", async () => {
    const big = `MessageSid=${"a".repeat(17 * 1024)}`;
    await expectError(await issuerFetch(PATH, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: big }), 413, "payload_too_large");
    const stream = new Blob([big]).stream();
    await expectError(await issuerFetch(PATH, { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded" }, body: stream }), 413, "payload_too_large");
  });

  it("answers another method with 405 and Allow: POST", async () => {
    const response = await issuerFetch(PATH);
    await expectError(response, 405, "method_not_allowed");
    expect(response.headers.get("Allow")).toBe("POST");
  });
});
