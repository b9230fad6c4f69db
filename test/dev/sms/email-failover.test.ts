import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { startSmsSandbox, type SmsSandbox } from "../../../dev/sms/server";
import { EMAIL_PROVIDER_TIMEOUT_MS } from "../../../shared/adapters/email/provider-call";
import { resendSender } from "../../../shared/adapters/email/resend-sender";
import { sendEmailWithFailover } from "../../../workers/issuer/services/email-delivery";
import { message, productionMailSenders, recordingLogger, TO } from "./email-fixture";
import { whileCollectingGarbage } from "./garbage-collection";
import { sandboxOptions } from "./sandbox-fixture";

let sandbox: SmsSandbox;

beforeAll(async () => {
  sandbox = await startSmsSandbox(sandboxOptions());
});
afterAll(() => sandbox.close());
beforeEach(() => {
  sandbox.clearEmails();
  sandbox.resetFaults();
});

function inOrder() {
  const { resend, postmark, ses } = productionMailSenders(sandbox);
  return [resend, postmark, ses];
}

/** Guards against a sender that never gives up: resolves to a marker at twice the senders' own timeout. */
async function settledOrStuck<T>(work: Promise<T>): Promise<T | "stuck"> {
  let guard: NodeJS.Timeout | undefined;
  const stuck = new Promise<"stuck">((resolve) => {
    guard = setTimeout(() => resolve("stuck"), 2 * EMAIL_PROVIDER_TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, stuck]);
  } finally {
    clearTimeout(guard);
  }
}

describe("email delivery with failover, through the sandbox", () => {
  it("sends through the first provider only when it accepts", async () => {
    const report = await sendEmailWithFailover(inOrder(), message());
    expect(report.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([["resend", "accepted"]]);
    expect(report.final).toBe(report.attempts[0]);
    expect(sandbox.emails(TO).map((email) => email.provider)).toEqual(["resend"]);
  });

  it("moves on to Postmark when Resend is down, and reports both attempts", async () => {
    sandbox.setEmailFault("resend", { mode: "error_5xx", addresses: [TO] });
    const report = await sendEmailWithFailover(inOrder(), message());
    expect(report.attempts).toEqual([
      { outcome: "transient_failure", provider: "resend", error: "resend_application_error" },
      { outcome: "accepted", provider: "postmark", messageId: expect.any(String) },
    ]);
    expect(report.final?.outcome).toBe("accepted");
    expect(sandbox.emails(TO).map((email) => email.provider)).toEqual(["postmark"]);
  });

  it("reaches SES when both others are down", async () => {
    sandbox.setEmailFault("resend", { mode: "error_5xx" });
    sandbox.setEmailFault("postmark", { mode: "error_5xx" });
    const report = await sendEmailWithFailover(inOrder(), message());
    expect(report.attempts.map((attempt) => attempt.outcome)).toEqual(["transient_failure", "transient_failure", "accepted"]);
    expect(sandbox.emails(TO).map((email) => email.provider)).toEqual(["ses"]);
  });

  it("stops at a permanent refusal: an address the first provider refuses is not tried elsewhere", async () => {
    sandbox.setEmailFault("resend", { mode: "reject_address", addresses: [TO] });
    const report = await sendEmailWithFailover(inOrder(), message());
    expect(report.attempts).toEqual([{ outcome: "permanent_failure", provider: "resend", error: "resend_validation_error" }]);
    expect(report.final).toEqual(report.attempts[0]);
    expect(sandbox.emails()).toEqual([]);
  });

  it("reports the last transient failure when every provider is down, and sends nothing", async () => {
    for (const target of ["resend", "postmark", "ses"] as const) sandbox.setEmailFault(target, { mode: "error_5xx" });
    const report = await sendEmailWithFailover(inOrder(), message());
    expect(report.attempts.map((attempt) => attempt.provider)).toEqual(["resend", "postmark", "ses"]);
    expect(report.final).toEqual({ outcome: "transient_failure", provider: "ses", error: "ses_InternalFailure" });
    expect(sandbox.emails()).toEqual([]);
  });

  it("reports no attempt and no result with no provider configured", async () => {
    expect(await sendEmailWithFailover([], message())).toEqual({ final: null, attempts: [] });
  });

  it("works around a provider with a revoked key (stolen or rotated credentials) and says so in the log", async () => {
    const logger = recordingLogger();
    const { postmark } = productionMailSenders(sandbox);
    const report = await sendEmailWithFailover([resendSender({ apiKey: "re_revoked", apiBase: sandbox.url, logger }), postmark], message());
    expect(report.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ["resend", "transient_failure"],
      ["postmark", "accepted"],
    ]);
    expect(logger.lines).toEqual([{ level: "error", event: "email_provider_misconfigured", fields: { provider: "resend", error: "resend_invalid_api_key" } }]);
  });

  it("gives up on a provider that never answers after its own timeout and sends through the next, garbage collection or not", async () => {
    sandbox.setEmailFault("ses", { mode: "timeout", addresses: [TO] });
    const { ses, resend } = productionMailSenders(sandbox);
    const report = await settledOrStuck(whileCollectingGarbage(sendEmailWithFailover([ses, resend], message())));
    expect(report).not.toBe("stuck");
    if (report === "stuck") return;
    expect(report.attempts).toEqual([
      { outcome: "transient_failure", provider: "ses", error: "timeout" },
      { outcome: "accepted", provider: "resend", messageId: expect.any(String) },
    ]);
    expect(sandbox.emails(TO).map((email) => email.provider)).toEqual(["resend"]);
  });
});
