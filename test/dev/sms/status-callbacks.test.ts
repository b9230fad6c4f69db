import type { IncomingHttpHeaders } from "node:http";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { UNDELIVERED_ERROR_CODE } from "../../../dev/sms/status-callbacks";
import { listen, readBody, type RunningServer } from "../../../dev/support/http-server";
import { twilioSender } from "../../../shared/adapters/sms/twilio-sender";
import { verifyTwilioSignature } from "../../../shared/crypto/twilio-signature";
import { postTwilioMessage, sandboxOptions, TWILIO, US_NUMBER } from "./sandbox-fixture";

interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: string;
}

/** A stand-in for the issuer's webhook: records every request and answers `answer` (204 unless changed). */
let receiver: RunningServer;
let received: Received[] = [];
let answer = 204;
let sandbox: SmsSandbox;

beforeAll(async () => {
  receiver = await listen(
    async (request, response) => {
      const body = await readBody(request, 64 * 1024);
      received.push({ path: request.url ?? "", headers: request.headers, body: body?.toString("utf8") ?? "" });
      response.writeHead(answer);
      response.end();
    },
    { port: 0 },
  );
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(async () => {
  await sandbox.close();
  await receiver.close();
});
beforeEach(() => {
  received = [];
  answer = 204;
});
afterEach(() => {
  sandbox.resetFaults();
  sandbox.clear();
});

const callbackUrl = (path = "/api/webhooks/twilio/status") => `${receiver.url}${path}`;

/** Resolves once the receiver has `count` callbacks for `sid`, in arrival order. */
async function callbacksFor(sid: string, count: number): Promise<Received[]> {
  for (;;) {
    const mine = received.filter((request) => new URLSearchParams(request.body).get("MessageSid") === sid);
    if (mine.length >= count) return mine;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

function senderWithCallback(url = callbackUrl()) {
  return twilioSender({ ...TWILIO, apiBase: sandbox.url, statusCallbackUrl: url });
}

async function sendWithCallback(to = US_NUMBER, url = callbackUrl()): Promise<string> {
  const result = await senderWithCallback(url).send({ to, body: "Your code is 123456" });
  if (result.outcome !== "accepted") throw new Error(`not accepted: ${JSON.stringify(result)}`);
  return result.messageId;
}

describe("status callbacks for a message sent with StatusCallback", () => {
  it("posts sent, then delivered, form-encoded, to the exact StatusCallback URL", async () => {
    const sid = await sendWithCallback(US_NUMBER, callbackUrl("/api/webhooks/twilio/status?tenant=a"));
    const [sent, delivered] = await callbacksFor(sid, 2);
    expect(sent?.path).toBe("/api/webhooks/twilio/status?tenant=a");
    expect(sent?.headers["content-type"]).toBe("application/x-www-form-urlencoded");
    expect(Object.fromEntries(new URLSearchParams(sent?.body))).toEqual({
      AccountSid: TWILIO.accountSid,
      ApiVersion: "2010-04-01",
      From: "+15005550006",
      MessageSid: sid,
      MessageStatus: "sent",
      MessagingServiceSid: TWILIO.messagingServiceSid,
      SmsSid: sid,
      SmsStatus: "sent",
      To: US_NUMBER,
    });
    expect(new URLSearchParams(delivered?.body).get("MessageStatus")).toBe("delivered");
    expect(new URLSearchParams(delivered?.body).has("ErrorCode")).toBe(false);
  });

  it("signs each callback exactly as Twilio does: the issuer's verifier accepts it for the configured URL", async () => {
    const url = callbackUrl();
    const sid = await sendWithCallback(US_NUMBER, url);
    for (const callback of await callbacksFor(sid, 2)) {
      const params = [...new URLSearchParams(callback.body).entries()];
      const signature = typeof callback.headers["x-twilio-signature"] === "string" ? callback.headers["x-twilio-signature"] : null;
      expect(await verifyTwilioSignature({ authToken: TWILIO.authToken, url, params, signature })).toBe(true);
      expect(await verifyTwilioSignature({ authToken: "another-account-token", url, params, signature })).toBe(false);
      expect(await verifyTwilioSignature({ authToken: TWILIO.authToken, url: `${url}/other`, params, signature })).toBe(false);
    }
  });

  it("answers the create call at once with status queued; the callbacks follow", async () => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "hi", StatusCallback: callbackUrl() });
    expect(response.status).toBe(201);
    const message = await response.json();
    expect(message.status).toBe("queued");
    expect((await callbacksFor(message.sid, 2)).map((callback) => new URLSearchParams(callback.body).get("MessageStatus"))).toEqual(["sent", "delivered"]);
  });

  it("lists each attempt with what the URL answered, newest first, over HTTP too", async () => {
    answer = 500;
    const sid = await sendWithCallback();
    await callbacksFor(sid, 2);
    const attempts = sandbox.statusCallbacks().filter((attempt) => attempt.message_sid === sid);
    expect(attempts).toEqual([
      { message_sid: sid, status: "delivered", url: callbackUrl(), outcome: 500, at: expect.any(String) },
      { message_sid: sid, status: "sent", url: callbackUrl(), outcome: 500, at: expect.any(String) },
    ]);
    const listed = (await (await fetch(`${sandbox.url}/__sandbox/callbacks`)).json()) as { callbacks: unknown[] };
    expect(listed.callbacks).toEqual(expect.arrayContaining(attempts));
  });

  it("records a callback URL that cannot be reached instead of failing the send", async () => {
    const unreachable = await listen((_request, response) => {
      response.end();
    }, { port: 0 });
    await unreachable.close();
    const url = `${unreachable.url}/status`;
    const sid = await sendWithCallback(US_NUMBER, url);
    expect(sandbox.messages(US_NUMBER)[0]?.id).toBe(sid);
    for (;;) {
      const attempts = sandbox.statusCallbacks().filter((attempt) => attempt.message_sid === sid);
      if (attempts.length === 2) {
        expect(attempts.map((attempt) => typeof attempt.outcome)).toEqual(["string", "string"]);
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  });

  it("sends no callback for a message created without StatusCallback", async () => {
    const silent = await twilioSender({ ...TWILIO, apiBase: sandbox.url }).send({ to: US_NUMBER, body: "no callback" });
    const sid = await sendWithCallback();
    // Both were scheduled with the same delays; the second one's callbacks arriving means the first had its turn.
    await callbacksFor(sid, 2);
    expect(silent.outcome).toBe("accepted");
    const sids = new Set(received.map((callback) => new URLSearchParams(callback.body).get("MessageSid")));
    expect(sids).toEqual(new Set([sid]));
  });

  it.each([
    ["a relative URL", "/status"],
    ["a non-HTTP scheme", "ftp://example.com/status"],
    ["a hostname with an underscore", "https://bad_host.example.com/status"],
    ["text", "not a url"],
  ])("refuses %s as StatusCallback with Twilio's 400 21609, storing nothing", async (_label, statusCallback) => {
    const response = await postTwilioMessage(sandbox, { To: US_NUMBER, MessagingServiceSid: TWILIO.messagingServiceSid, Body: "hi", StatusCallback: statusCallback });
    expect(response.status).toBe(400);
    expect((await response.json()).code).toBe(21609);
    expect(sandbox.messages()).toEqual([]);
  });
});

describe("the undelivered fault", () => {
  it("accepts the message (201 queued) but reports undelivered with ErrorCode 30003, and the phone never gets it", async () => {
    sandbox.setFault("twilio", { mode: "undelivered" });
    const sid = await sendWithCallback();
    const statuses = (await callbacksFor(sid, 2)).map((callback) => Object.fromEntries(new URLSearchParams(callback.body)));
    expect(statuses.map((params) => [params.MessageStatus, params.SmsStatus, params.ErrorCode])).toEqual([
      ["sent", "sent", undefined],
      ["undelivered", "undelivered", String(UNDELIVERED_ERROR_CODE)],
    ]);
    expect(UNDELIVERED_ERROR_CODE).toBe(30003);
    expect(sandbox.messages(US_NUMBER)).toEqual([]);
  });

  it("applies only to the listed numbers", async () => {
    sandbox.setFault("twilio", { mode: "undelivered", numbers: ["+14155550124"] });
    const sid = await sendWithCallback(US_NUMBER);
    const [, final] = await callbacksFor(sid, 2);
    expect(new URLSearchParams(final?.body).get("MessageStatus")).toBe("delivered");
    expect(sandbox.messages(US_NUMBER)).toHaveLength(1);
  });

  it("can be set over HTTP for twilio, and is refused for sns and lookup", async () => {
    const put = (provider: string) =>
      fetch(`${sandbox.url}/__sandbox/faults/${provider}`, { method: "PUT", headers: { "content-type": "application/json" }, body: JSON.stringify({ mode: "undelivered" }) });
    expect((await put("twilio")).status).toBe(200);
    const refused = await put("sns");
    expect(refused.status).toBe(400);
    expect(await refused.json()).toEqual({ error: expect.stringContaining("twilio") });
    expect((await put("lookup")).status).toBe(400);
    expect(() => sandbox.setFault("sns", { mode: "undelivered" })).toThrow(/twilio/);
    expect((await (await fetch(`${sandbox.url}/__sandbox/faults`)).json()).faults).toMatchObject({ twilio: { mode: "undelivered" }, sns: { mode: "none" } });
  });
});

describe("closing the sandbox", () => {
  it("cancels callbacks not yet made", async () => {
    const slow = await startSmsSandbox({ ...sandboxOptions(), statusCallbackDelayMs: 60_000 });
    const result = await twilioSender({ ...TWILIO, apiBase: slow.url, statusCallbackUrl: callbackUrl() }).send({ to: US_NUMBER, body: "x" });
    expect(result.outcome).toBe("accepted");
    await slow.close();
    expect(slow.statusCallbacks()).toEqual([]);
    expect(received).toEqual([]);
  });
});
