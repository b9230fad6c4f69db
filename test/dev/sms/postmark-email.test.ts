import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { postmarkSender } from "../../../shared/adapters/email/postmark-sender";
import { FROM, message, postJson, productionMailSenders, recordingLogger, TO } from "./email-fixture";
import { EMAIL, sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;
const HEADERS = { "x-postmark-server-token": EMAIL.postmarkServerToken, accept: "application/json" };
const VALID = { From: FROM, To: TO, Subject: "Hello", TextBody: "text body", HtmlBody: "<p>html body</p>", MessageStream: "outbound" };

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearEmails();
  sandbox.resetFaults();
});

async function postmarkError(response: Response): Promise<{ ErrorCode: number; Message: string }> {
  return response.json() as Promise<{ ErrorCode: number; Message: string }>;
}

describe("Postmark POST /email driven by our production sender", () => {
  it("accepts a message and puts it in the email inbox under the returned MessageID", async () => {
    const result = await productionMailSenders(sandbox).postmark.send(message());
    expect(result).toEqual({ outcome: "accepted", provider: "postmark", messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(sandbox.emails(TO)).toEqual([expect.objectContaining({ id: result.outcome === "accepted" ? result.messageId : "", provider: "postmark", from: FROM, text: message().text, html: message().html })]);
  });

  it("reports an inactive recipient (ErrorCode 406) as a permanent failure", async () => {
    sandbox.setEmailFault("postmark", { mode: "reject_address", addresses: [TO] });
    expect(await productionMailSenders(sandbox).postmark.send(message())).toEqual({ outcome: "permanent_failure", provider: "postmark", error: "postmark_406" });
    expect(sandbox.emails()).toEqual([]);
  });

  it("reports an invalid recipient (ErrorCode 300) as a permanent failure", async () => {
    expect(await productionMailSenders(sandbox).postmark.send(message({ to: "ada@localhost" }))).toEqual({ outcome: "permanent_failure", provider: "postmark", error: "postmark_300" });
  });

  it("reports a wrong server token as a transient failure and logs it as an error", async () => {
    const logger = recordingLogger();
    const sender = postmarkSender({ serverToken: "not-the-token", apiBase: sandbox.url, logger });
    expect(await sender.send(message())).toEqual({ outcome: "transient_failure", provider: "postmark", error: "postmark_10" });
    expect(logger.lines.map((line) => line.event)).toEqual(["email_provider_misconfigured"]);
  });

  it("reports maintenance (503) as a transient failure", async () => {
    sandbox.setEmailFault("postmark", { mode: "error_5xx" });
    expect(await productionMailSenders(sandbox).postmark.send(message())).toEqual({ outcome: "transient_failure", provider: "postmark", error: "postmark_100" });
  });
});

describe("Postmark POST /email over raw HTTP", () => {
  it("answers the documented success shape", async () => {
    const response = await postJson(`${sandbox.url}/email`, VALID, HEADERS);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ To: TO, SubmittedAt: expect.any(String), MessageID: expect.any(String), ErrorCode: 0, Message: "OK" });
  });

  it("refuses a request without a server token (401, ErrorCode 10)", async () => {
    const response = await postJson(`${sandbox.url}/email`, VALID, { accept: "application/json" });
    expect(response.status).toBe(401);
    expect((await postmarkError(response)).ErrorCode).toBe(10);
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses a request that does not ask for JSON (ErrorCode 409)", async () => {
    const response = await postJson(`${sandbox.url}/email`, VALID, { "x-postmark-server-token": EMAIL.postmarkServerToken });
    expect(response.status).toBe(422);
    expect((await postmarkError(response)).ErrorCode).toBe(409);
  });

  it("refuses a body that is not JSON (ErrorCode 402)", async () => {
    const response = await postJson(`${sandbox.url}/email`, "{", HEADERS);
    expect(response.status).toBe(422);
    expect((await postmarkError(response)).ErrorCode).toBe(402);
  });

  it.each([
    ["no To", { To: undefined }, "Zero recipients specified"],
    ["an illegal To", { To: "ada.example.org" }, "Error parsing 'To'"],
    ["no From", { From: undefined }, "Invalid 'From' address."],
    ["neither TextBody nor HtmlBody", { TextBody: undefined, HtmlBody: undefined }, "Provide either email TextBody or HtmlBody or both."],
    ["a TextBody that is not a string", { TextBody: ["x"] }, "Invalid 'TextBody' value"],
    ["a TrackOpens that is not a boolean", { TrackOpens: "false" }, "Invalid 'TrackOpens' value"],
    ["an unknown TrackLinks", { TrackLinks: "Everything" }, "Invalid 'TrackLinks' value"],
  ])("refuses a message with %s (422, ErrorCode 300)", async (_case, change, text) => {
    const response = await postJson(`${sandbox.url}/email`, { ...VALID, ...change }, HEADERS);
    expect(response.status).toBe(422);
    const error = await postmarkError(response);
    expect(error.ErrorCode).toBe(300);
    expect(error.Message).toContain(text);
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses a message stream that does not exist (ErrorCode 1235)", async () => {
    const response = await postJson(`${sandbox.url}/email`, { ...VALID, MessageStream: "broadcast" }, HEADERS);
    expect(response.status).toBe(422);
    expect((await postmarkError(response)).ErrorCode).toBe(1235);
  });

  it("stores one copy per comma-separated recipient", async () => {
    const response = await postJson(`${sandbox.url}/email`, { ...VALID, To: "ada@example.org, Grace <grace@example.org>" }, HEADERS);
    expect(response.status).toBe(200);
    expect(sandbox.emails().map((email) => email.to).sort()).toEqual(["ada@example.org", "grace@example.org"]);
  });
});
