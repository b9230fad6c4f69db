import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { twilioSender } from "../../../shared/adapters/sms/twilio-sender";
import {
  basicAuthorization,
  INVALID_NUMBER,
  messagesUrl,
  postTwilioMessage,
  productionSenders,
  sandboxOptions,
  TWILIO,
  US_NUMBER,
} from "./sandbox-fixture";

const AUTHENTICATE_ERROR = { code: 20003, message: "Authenticate", more_info: "https://www.twilio.com/docs/errors/20003", status: 401 };
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => sandbox.clear());

describe("Twilio Messages API driven by our production sender", () => {
  it("accepts a message and puts it in the inbox under the returned SID", async () => {
    const result = await productionSenders(sandbox).twilio.send({ to: US_NUMBER, body: "Your code is 123456" });
    expect(result).toEqual({ outcome: "accepted", provider: "twilio", messageId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const [stored] = sandbox.messages(US_NUMBER);
    expect(stored).toEqual({ id: result.outcome === "accepted" ? result.messageId : "", to: US_NUMBER, body: "Your code is 123456", provider: "twilio", received_at: expect.any(String) });
    expect(new Date(stored?.received_at ?? "").toISOString()).toBe(stored?.received_at);
  });

  it("reports an invalid recipient as a permanent failure (21211)", async () => {
    expect(await productionSenders(sandbox).twilio.send({ to: INVALID_NUMBER, body: "hi" })).toEqual({ outcome: "permanent_failure", provider: "twilio", error: "twilio_21211" });
    expect(sandbox.messages()).toEqual([]);
  });

  it("refuses a sender configured with the wrong auth token", async () => {
    const sender = twilioSender({ ...TWILIO, authToken: "not-the-token", apiBase: sandbox.url });
    expect(await sender.send({ to: US_NUMBER, body: "hi" })).toEqual({ outcome: "transient_failure", provider: "twilio", error: "twilio_20003" });
    expect(sandbox.messages()).toEqual([]);
  });
});

describe("Twilio Messages API over raw HTTP", () => {
  it("answers 201 with Twilio's Message resource", async () => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "hello" });
    expect(response.status).toBe(201);
    expect(response.headers.get("content-type")).toBe("application/json");
    const message = await response.json();
    expect(message).toMatchObject({
      account_sid: TWILIO.accountSid,
      api_version: "2010-04-01",
      body: "hello",
      direction: "outbound-api",
      error_code: null,
      from: null,
      messaging_service_sid: TWILIO.messagingServiceSid,
      num_media: "0",
      num_segments: "1",
      status: "queued",
      to: US_NUMBER,
      date_sent: null,
    });
    expect(message.sid).toMatch(/^SM[0-9a-f]{32}$/);
    expect(message.date_created).toMatch(RFC_2822);
    expect(message.uri).toBe(`/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/${message.sid}.json`);
  });

  it("fetches a sent message back as delivered", async () => {
    const created = await (await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "fetch me" })).json();
    const response = await fetch(`${sandbox.url}${created.uri}`, { headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) } });
    expect(response.status).toBe(200);
    const fetched = await response.json();
    expect(fetched).toMatchObject({ sid: created.sid, status: "delivered", to: US_NUMBER, body: "fetch me", date_created: created.date_created });
    expect(fetched.date_sent).toMatch(RFC_2822);
  });

  it("answers 404 (20404) for an unknown message SID", async () => {
    const response = await fetch(`${sandbox.url}/2010-04-01/Accounts/${TWILIO.accountSid}/Messages/SM${"0".repeat(32)}.json`, {
      headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) },
    });
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe(20404);
  });

  it("refuses a wrong auth token with 401 20003 and a Basic challenge", async () => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" }, basicAuthorization(TWILIO.accountSid, "wrong"));
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toBe('Basic realm="Twilio API"');
    expect(await response.json()).toEqual(AUTHENTICATE_ERROR);
  });

  it("refuses a wrong account SID, a missing header and a non-Basic scheme with 401", async () => {
    for (const authorization of [basicAuthorization("AC" + "f".repeat(32), TWILIO.authToken), "", `Bearer ${TWILIO.authToken}`, "Basic not-base64!"]) {
      const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" }, authorization);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual(AUTHENTICATE_ERROR);
    }
    expect(sandbox.messages()).toEqual([]);
  });

  it("refuses another account's path with 404 even with valid credentials", async () => {
    const response = await fetch(messagesUrl(sandbox, "AC" + "e".repeat(32)), {
      method: "POST",
      headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken), "content-type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" }),
    });
    expect(response.status).toBe(404);
    expect((await response.json()).code).toBe(20404);
  });

  it("answers 400 21211 with Twilio's message for a number that is not valid", async () => {
    const response = await postTwilioMessage(sandbox, { To: INVALID_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      code: 21211,
      message: `The 'To' number ${INVALID_NUMBER} is not a valid phone number.`,
      more_info: "https://www.twilio.com/docs/errors/21211",
      status: 400,
    });
  });

  it("requires To in E.164, not a national number", async () => {
    const response = await postTwilioMessage(sandbox, { To: "4155550123", MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" });
    expect((await response.json()).code).toBe(21211);
  });

  it.each([
    ["To is missing", { MessagingServiceSid: TWILIO.messagingServiceSid, Body: "x" }, 21604],
    ["Body is missing", { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid }, 21602],
    ["both From and MessagingServiceSid are missing", { To: US_NUMBER, Body: "x" }, 21603],
    ["the Messaging Service is someone else's", { To: US_NUMBER, MessagingServiceSid: "MG" + "a".repeat(32), Body: "x" }, 21701],
    ["the Messaging Service SID is malformed", { To: US_NUMBER, MessagingServiceSid: "MG-nope", Body: "x" }, 21705],
    ["From is not a number or sender ID", { To: US_NUMBER, From: "+1", Body: "x" }, 21212],
    ["Body is over 1600 characters", { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "a".repeat(1601) }, 21617],
  ])("answers 400 when %s", async (_, form, code) => {
    const response = await postTwilioMessage(sandbox, form);
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe(code);
    expect(sandbox.messages()).toEqual([]);
  });

  it("accepts a From number instead of a Messaging Service", async () => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, From: "+14155550100", Body: "from a number" });
    expect(response.status).toBe(201);
    const created = await response.json();
    expect(created).toMatchObject({ from: "+14155550100", messaging_service_sid: null });
    const fetched = await (await fetch(`${sandbox.url}${created.uri}`, { headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) } })).json();
    expect(fetched).toMatchObject({ from: "+14155550100", messaging_service_sid: null });
  });

  it.each([
    ["160 GSM-7 characters", "a".repeat(160), "1"],
    ["161 GSM-7 characters", "a".repeat(161), "2"],
    ["80 euro signs (two septets each)", "€".repeat(80), "1"],
    ["70 Cyrillic characters (UCS-2)", "ж".repeat(70), "1"],
    ["71 Cyrillic characters (UCS-2)", "ж".repeat(71), "2"],
  ])("counts %s as %s segment(s)", async (_, body, segments) => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: body });
    expect((await response.json()).num_segments).toBe(segments);
  });

  it("answers 405 (20004) to a method the resource does not support", async () => {
    const response = await fetch(messagesUrl(sandbox), { method: "PUT", headers: { authorization: basicAuthorization(TWILIO.accountSid, TWILIO.authToken) } });
    expect(response.status).toBe(405);
    expect(response.headers.get("allow")).toBe("POST");
    expect((await response.json()).code).toBe(20004);
  });

  it("answers 413 to a body over 1 MiB", async () => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "a".repeat(1024 * 1024) });
    expect(response.status).toBe(413);
    expect(sandbox.messages()).toEqual([]);
  });
});
