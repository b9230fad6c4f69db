import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { sesSender } from "../../../shared/adapters/email/ses-sender";
import { message, productionMailSenders, recordingLogger, sesClient, sesRequest, TO } from "./email-fixture";
import { EMAIL, sandboxOptions, SNS } from "./sandbox-fixture";

let sandbox: SmsSandbox;
const JSON_HEADERS = { "content-type": "application/json" };

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearEmails();
  sandbox.resetFaults();
});

function url(): string {
  return `${sandbox.url}/v2/email/outbound-emails`;
}

async function send(body: unknown, client = sesClient()): Promise<Response> {
  return client.fetch(url(), { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(body) });
}

describe("SES v2 SendEmail driven by our production sender", () => {
  it("accepts a message and puts it in the email inbox under the returned MessageId", async () => {
    const result = await productionMailSenders(sandbox).ses.send(message());
    expect(result).toEqual({ outcome: "accepted", provider: "ses", messageId: expect.stringMatching(/^0100[0-9a-f]{12}-[0-9a-f-]{36}-000000$/) });
    expect(sandbox.emails(TO)).toEqual([expect.objectContaining({ id: result.outcome === "accepted" ? result.messageId : "", provider: "ses", subject: message().subject, text: message().text, html: message().html })]);
  });

  it("reports an illegal address (BadRequestException) as a permanent failure", async () => {
    expect(await productionMailSenders(sandbox).ses.send(message({ to: "ada@localhost" }))).toEqual({ outcome: "permanent_failure", provider: "ses", error: "ses_BadRequestException" });
  });

  it("reports a rejected message (MessageRejected) as a permanent failure", async () => {
    sandbox.setEmailFault("ses", { mode: "reject_address", addresses: [TO] });
    expect(await productionMailSenders(sandbox).ses.send(message())).toEqual({ outcome: "permanent_failure", provider: "ses", error: "ses_MessageRejected" });
    expect(sandbox.emails()).toEqual([]);
  });

  it("reports a wrong secret as a transient failure and logs it as an error", async () => {
    const logger = recordingLogger();
    const sender = sesSender({ ...SNS, secretAccessKey: "not-the-secret", region: EMAIL.sesRegion, endpoint: sandbox.url, logger });
    expect(await sender.send(message())).toEqual({ outcome: "transient_failure", provider: "ses", error: "ses_InvalidSignatureException" });
    expect(logger.lines.map((line) => line.event)).toEqual(["email_provider_misconfigured"]);
    expect(JSON.stringify(logger.lines)).not.toContain("not-the-secret");
  });

  it("reports an internal failure (500) as a transient failure", async () => {
    sandbox.setEmailFault("ses", { mode: "error_5xx" });
    expect(await productionMailSenders(sandbox).ses.send(message())).toEqual({ outcome: "transient_failure", provider: "ses", error: "ses_InternalFailure" });
  });
});

describe("SES v2 SendEmail over aws4fetch and raw HTTP", () => {
  it("answers {MessageId} to the documented Simple request", async () => {
    const response = await send(sesRequest());
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ MessageId: expect.any(String) });
  });

  it.each([
    ["signed with the wrong secret", { secretAccessKey: "wrong" }, "InvalidSignatureException"],
    ["signed for SNS instead of SES", { service: "sns" }, "InvalidSignatureException"],
    ["signed for another region", { region: "us-east-1" }, "InvalidSignatureException"],
    ["signed with an unknown key", { accessKeyId: "AKIAUNKNOWNKEY000" }, "UnrecognizedClientException"],
  ])("refuses a request %s (403)", async (_case, overrides, type) => {
    const response = await send(sesRequest(), sesClient(overrides));
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toBe(type);
    expect(await response.json()).toEqual({ message: expect.any(String) });
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses an unsigned request (403 MissingAuthenticationTokenException)", async () => {
    const response = await fetch(url(), { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(sesRequest()) });
    expect(response.status).toBe(403);
    expect(response.headers.get("x-amzn-errortype")).toBe("MissingAuthenticationTokenException");
  });

  it("refuses a body swapped after signing (a tampered recipient)", async () => {
    const signed = await sesClient().sign(url(), { method: "POST", headers: JSON_HEADERS, body: JSON.stringify(sesRequest()) });
    const response = await fetch(signed.url, { method: "POST", headers: signed.headers, body: JSON.stringify(sesRequest(["eve@evil.example"])) });
    expect(response.status).toBe(403);
    expect(sandbox.emails()).toEqual([]);
  });

  it.each([
    ["no Destination", { Destination: undefined }],
    ["no recipients", { Destination: { ToAddresses: [] } }],
    ["no FromEmailAddress", { FromEmailAddress: undefined }],
    ["no Content", { Content: undefined }],
    ["no Subject", { Content: { Simple: { Body: { Text: { Data: "x" } } } } }],
    ["no Body part", { Content: { Simple: { Subject: { Data: "x" }, Body: {} } } }],
    ["an unknown Charset", { Content: { Simple: { Subject: { Data: "x" }, Body: { Text: { Data: "x", Charset: "EBCDIC" } } } } }],
    ["Raw content, which the sandbox does not speak", { Content: { Raw: { Data: "eA==" } } }],
  ])("refuses a request with %s (400 BadRequestException)", async (_case, change) => {
    const response = await send({ ...sesRequest(), ...change });
    expect(response.status).toBe(400);
    expect(response.headers.get("x-amzn-errortype")).toBe("BadRequestException");
    expect(sandbox.emails()).toEqual([]);
  });
});
