import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { resendSender } from "../../../shared/adapters/email/resend-sender";
import { FROM, message, postJson, productionMailSenders, recordingLogger, TO } from "./email-fixture";
import { EMAIL, sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;
const AUTH = { authorization: `Bearer ${EMAIL.resendApiKey}` };
const VALID = { from: FROM, to: [TO], subject: "Hello", text: "text body", html: "<p>html body</p>" };

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearEmails();
  sandbox.resetFaults();
});

async function resendError(response: Response): Promise<{ statusCode: number; name: string; message: string }> {
  return response.json() as Promise<{ statusCode: number; name: string; message: string }>;
}

describe("Resend POST /emails driven by our production sender", () => {
  it("accepts a message and puts it in the email inbox under the returned id", async () => {
    const result = await productionMailSenders(sandbox).resend.send(message());
    expect(result).toEqual({ outcome: "accepted", provider: "resend", messageId: expect.stringMatching(/^[0-9a-f-]{36}$/) });
    expect(sandbox.emails(TO)).toEqual([
      { id: result.outcome === "accepted" ? result.messageId : "", to: TO, from: FROM, subject: message().subject, text: message().text, html: message().html, provider: "resend", received_at: expect.any(String) },
    ]);
  });

  it("reports an address Resend refuses as a permanent failure and stores nothing", async () => {
    expect(await productionMailSenders(sandbox).resend.send(message({ to: "ada@localhost" }))).toEqual({ outcome: "permanent_failure", provider: "resend", error: "resend_validation_error" });
    expect(sandbox.emails()).toEqual([]);
  });

  it("reports a wrong API key as a transient failure, so another provider is tried, and logs it as an error", async () => {
    const logger = recordingLogger();
    const sender = resendSender({ apiKey: "re_not_the_key", apiBase: sandbox.url, logger });
    expect(await sender.send(message())).toEqual({ outcome: "transient_failure", provider: "resend", error: "resend_invalid_api_key" });
    expect(logger.lines).toEqual([{ level: "error", event: "email_provider_misconfigured", fields: { provider: "resend", error: "resend_invalid_api_key" } }]);
    expect(JSON.stringify(logger.lines)).not.toContain("re_not_the_key");
  });
});

describe("Resend POST /emails over raw HTTP", () => {
  it("accepts the documented shape, with `to` as a string or a list, and a named recipient", async () => {
    const response = await postJson(`${sandbox.url}/emails`, { ...VALID, to: "Ada Lovelace <ada@example.org>" }, AUTH);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ id: expect.any(String) });
    expect(sandbox.emails(TO)[0]?.to).toBe(TO);
  });

  it("refuses a request without a key (401 missing_api_key)", async () => {
    const response = await postJson(`${sandbox.url}/emails`, VALID, {});
    expect(response.status).toBe(401);
    expect(await resendError(response)).toEqual({ statusCode: 401, name: "missing_api_key", message: expect.stringContaining("Authorization: Bearer") });
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses a wrong key (403 invalid_api_key)", async () => {
    const response = await postJson(`${sandbox.url}/emails`, VALID, { authorization: "Bearer re_guess" });
    expect(response.status).toBe(403);
    expect((await resendError(response)).name).toBe("invalid_api_key");
    expect(sandbox.emails()).toEqual([]);
  });

  it.each(["from", "to", "subject"])("refuses a message without `%s` (422 missing_required_field)", async (field) => {
    const response = await postJson(`${sandbox.url}/emails`, { ...VALID, [field]: undefined }, AUTH);
    expect(response.status).toBe(422);
    expect(await resendError(response)).toEqual({ statusCode: 422, name: "missing_required_field", message: `Missing \`${field}\` field.` });
  });

  it("refuses a message with neither text nor html (422)", async () => {
    const response = await postJson(`${sandbox.url}/emails`, { ...VALID, text: undefined, html: undefined }, AUTH);
    expect(response.status).toBe(422);
    expect((await resendError(response)).name).toBe("missing_required_field");
  });

  it.each([
    ["a `to` that is not an address", { to: ["ada.example.org"] }],
    ["two addresses smuggled into one `to` entry", { to: ["ada@example.org, eve@evil.example"] }],
    ["a `from` that is not an address", { from: "Acme" }],
    ["a subject that is not a string", { subject: 42 }],
    ["more than 50 recipients", { to: Array.from({ length: 51 }, (_, index) => `user${index}@example.org`) }],
  ])("refuses %s (400 validation_error)", async (_case, change) => {
    const response = await postJson(`${sandbox.url}/emails`, { ...VALID, ...change }, AUTH);
    expect(response.status).toBe(400);
    expect((await resendError(response)).name).toBe("validation_error");
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses a body that is not JSON (400 validation_error)", async () => {
    const response = await postJson(`${sandbox.url}/emails`, "from=a", AUTH);
    expect(response.status).toBe(400);
  });
});

describe("Resend faults", () => {
  it("answers 500 application_error under error_5xx, which the sender reports as transient", async () => {
    sandbox.setEmailFault("resend", { mode: "error_5xx" });
    expect(await productionMailSenders(sandbox).resend.send(message())).toEqual({ outcome: "transient_failure", provider: "resend", error: "resend_application_error" });
    expect(sandbox.emails()).toEqual([]);
  });

  it("refuses only the faulted address under reject_address", async () => {
    sandbox.setEmailFault("resend", { mode: "reject_address", addresses: ["Bounced@Example.org"] });
    const senders = productionMailSenders(sandbox);
    expect((await senders.resend.send(message({ to: "bounced@example.org" }))).outcome).toBe("permanent_failure");
    expect((await senders.resend.send(message())).outcome).toBe("accepted");
  });
});
