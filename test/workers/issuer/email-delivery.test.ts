import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { parseIssuerConfig } from "../../../shared/config/issuer-config";
import { signInEmail } from "../../../shared/domain/email-text";
import type { EmailMessage } from "../../../shared/ports/mailer";
import { mailSenders } from "../../../workers/issuer/mail-senders";
import { sendEmailWithFailover } from "../../../workers/issuer/services/email-delivery";
import { emailInbox, freshEmail, setEmailFault } from "./support/email-sandbox";

// The issuer's own configuration and senders, inside workerd, against the sandbox the test stack points them at.
const config = parseIssuerConfig(env as unknown as Record<string, unknown>);

function messageTo(to: string): EmailMessage {
  const content = signInEmail({ branding: "Acme <Rockets> & Co", code: "482913", link: "https://auth.example.net/email/complete#token=abc", expiresMinutes: 10 });
  return { to, from: config.email.from ?? "", ...content };
}

describe("the issuer's email senders in workerd", () => {
  it("builds Resend, Postmark and SES in EMAIL_PROVIDERS order from the stack's bindings", () => {
    expect(config.email.from).not.toBeNull();
    expect(mailSenders(config).map((sender) => sender.provider)).toEqual(["resend", "postmark", "ses"]);
  });

  it("skips a provider that has no credentials, and uses a name listed twice once", () => {
    const only = parseIssuerConfig({ ...(env as unknown as Record<string, unknown>), EMAIL_PROVIDERS: "ses,resend,ses", POSTMARK_SERVER_TOKEN: "" });
    expect(mailSenders(only).map((sender) => sender.provider)).toEqual(["ses", "resend"]);
  });

  it.each(["resend", "postmark", "ses"] as const)("delivers through %s alone, escaped branding and all", async (provider) => {
    const to = freshEmail();
    const sender = mailSenders(config).find((candidate) => candidate.provider === provider);
    const report = await sendEmailWithFailover(sender ? [sender] : [], messageTo(to));
    expect(report.final).toEqual({ outcome: "accepted", provider, messageId: expect.any(String) });
    const [email] = await emailInbox(to);
    expect(email).toMatchObject({ provider, to, from: config.email.from, subject: "Your Acme <Rockets> & Co sign-in code" });
    expect(email?.html).toContain("Acme &lt;Rockets&gt; &amp; Co");
    expect(email?.text).toContain("482913");
  });

  it("fails over from Resend to Postmark when the sandbox says Resend is down", async () => {
    const to = freshEmail();
    await setEmailFault("resend", "error_5xx", [to]);
    const report = await sendEmailWithFailover(mailSenders(config), messageTo(to));
    expect(report.attempts.map((attempt) => [attempt.provider, attempt.outcome])).toEqual([
      ["resend", "transient_failure"],
      ["postmark", "accepted"],
    ]);
    expect((await emailInbox(to)).map((email) => email.provider)).toEqual(["postmark"]);
  });

  it("stops when Resend refuses the address: no other provider mails it", async () => {
    const to = freshEmail();
    await setEmailFault("resend", "reject_address", [to]);
    const report = await sendEmailWithFailover(mailSenders(config), messageTo(to));
    expect(report.attempts).toEqual([{ outcome: "permanent_failure", provider: "resend", error: "resend_validation_error" }]);
    expect(await emailInbox(to)).toEqual([]);
  });

  it("reaches SES, signed in workerd, when Resend and Postmark are both down", async () => {
    const to = freshEmail();
    await setEmailFault("resend", "error_5xx", [to]);
    await setEmailFault("postmark", "error_5xx", [to]);
    const report = await sendEmailWithFailover(mailSenders(config), messageTo(to));
    expect(report.final).toEqual({ outcome: "accepted", provider: "ses", messageId: expect.any(String) });
    expect(report.attempts).toHaveLength(3);
  });
});
