import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { listen, readBody, sendJson, type RunningServer } from "../../../dev/support/http-server";
import { postmarkSender } from "../../../shared/adapters/email/postmark-sender";
import { resendSender } from "../../../shared/adapters/email/resend-sender";
import { sesSender } from "../../../shared/adapters/email/ses-sender";
import { message } from "./email-fixture";
import { SNS } from "./sandbox-fixture";

interface Captured {
  readonly method: string | undefined;
  readonly path: string | undefined;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: unknown;
}

/** Records exactly what each sender puts on the wire, and answers 200 `{}`. */
let capture: RunningServer;
let captured: Captured[] = [];

beforeAll(async () => {
  capture = await listen(
    async (request, response) => {
      const body = await readBody(request, 1_000_000);
      captured.push({ method: request.method, path: request.url, headers: request.headers, body: JSON.parse(body?.toString("utf8") ?? "null") });
      sendJson(response, 200, {});
    },
    { port: 0 },
  );
});
afterAll(() => capture.close());
beforeEach(() => {
  captured = [];
});

describe("what each sender sends", () => {
  it("Resend: POST /emails, bearer key, one recipient in a list", async () => {
    await resendSender({ apiKey: "re_key_1", apiBase: capture.url }).send(message());
    const [request] = captured;
    expect(request).toMatchObject({ method: "POST", path: "/emails", headers: { authorization: "Bearer re_key_1", "content-type": "application/json" } });
    expect(request?.body).toEqual({ from: message().from, to: [message().to], subject: message().subject, text: message().text, html: message().html });
  });

  it("Postmark: POST /email, server token, JSON accepted, outbound stream, open and link tracking off", async () => {
    await postmarkSender({ serverToken: "pm-token-1", apiBase: capture.url }).send(message());
    const [request] = captured;
    expect(request).toMatchObject({ method: "POST", path: "/email", headers: { "x-postmark-server-token": "pm-token-1", accept: "application/json", "content-type": "application/json" } });
    expect(request?.body).toEqual({
      From: message().from,
      To: message().to,
      Subject: message().subject,
      TextBody: message().text,
      HtmlBody: message().html,
      MessageStream: "outbound",
      TrackOpens: false,
      TrackLinks: "None",
    });
  });

  it("SES: POST /v2/email/outbound-emails, SigV4 for ses in the configured region, Simple content in UTF-8", async () => {
    await sesSender({ ...SNS, region: "eu-central-1", endpoint: capture.url }).send(message());
    const [request] = captured;
    expect(request).toMatchObject({ method: "POST", path: "/v2/email/outbound-emails", headers: { "content-type": "application/json" } });
    expect(request?.headers.authorization).toMatch(new RegExp(`^AWS4-HMAC-SHA256 Credential=${SNS.accessKeyId}/\\d{8}/eu-central-1/ses/aws4_request, SignedHeaders=`));
    expect(request?.body).toEqual({
      FromEmailAddress: message().from,
      Destination: { ToAddresses: [message().to] },
      Content: {
        Simple: {
          Subject: { Data: message().subject, Charset: "UTF-8" },
          Body: { Text: { Data: message().text, Charset: "UTF-8" }, Html: { Data: message().html, Charset: "UTF-8" } },
        },
      },
    });
  });
});

describe("one message, one recipient", () => {
  it.each([
    ["a second address after a comma (Postmark reads To as a list)", "owner@example.org, attacker@evil.example"],
    ["a second address after a semicolon", "owner@example.org;attacker@evil.example"],
    ["a display name wrapping another address", "owner@example.org <attacker@evil.example>"],
    ["a line break and a header", "owner@example.org\r\nBcc: attacker@evil.example"],
    ["two @ signs", "owner@example.org@evil.example"],
    ["no @ at all", "owner"],
  ])("refuses a recipient with %s before anything reaches a provider (mail to an attacker)", async (_case, to) => {
    for (const sender of [
      resendSender({ apiKey: "re_key_1", apiBase: capture.url }),
      postmarkSender({ serverToken: "pm-token-1", apiBase: capture.url }),
      sesSender({ ...SNS, endpoint: capture.url }),
    ]) {
      expect(await sender.send(message({ to }))).toEqual({ outcome: "permanent_failure", provider: sender.provider, error: "not_a_single_recipient" });
    }
    expect(captured).toEqual([]);
  });

  it("sends to an ordinary address with a plus tag and a subdomain (the control)", async () => {
    const result = await postmarkSender({ serverToken: "pm-token-1", apiBase: capture.url }).send(message({ to: "ada+signin@mail.example.org" }));
    expect(result.outcome).toBe("accepted");
    expect(captured).toHaveLength(1);
  });
});
