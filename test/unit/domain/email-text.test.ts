import { describe, expect, it } from "vitest";
import { accountExistsEmail, escapeHtml, passwordChangedEmail, passwordResetEmail, signInEmail, verifyAddressEmail, type EmailContent } from "../../../shared/domain/email-text";

const LINK = "https://auth.example.net/email/complete#token=abc_DEF-123";
const RESET = "https://auth.example.net/password/reset#token=xyz";

const EVERY_MESSAGE: ReadonlyArray<readonly [string, (branding: string) => EmailContent]> = [
  ["sign-in", (branding) => signInEmail({ branding, code: "123456", link: LINK, expiresMinutes: 10 })],
  ["verify address", (branding) => verifyAddressEmail({ branding, code: "654321", link: LINK, expiresMinutes: 15 })],
  ["account exists", (branding) => accountExistsEmail({ branding, signInLink: LINK, resetLink: RESET })],
  ["password reset", (branding) => passwordResetEmail({ branding, link: RESET, expiresMinutes: 30 })],
  ["password changed", (branding) => passwordChangedEmail({ branding })],
];

describe.each(EVERY_MESSAGE)("the %s email", (_name, build) => {
  it("names the branding in the subject, the text and the HTML", () => {
    const email = build("Acme Rockets");
    expect(email.subject).toContain("Acme Rockets");
    expect(email.text).toContain("Acme Rockets");
    expect(email.html).toContain("Acme Rockets");
  });

  it("renders a branding of <script> as text, never as markup (HTML injection)", () => {
    const email = build('<script>alert("x")</script>');
    expect(email.html).not.toContain("<script>");
    expect(email.html).toContain("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;");
  });

  it('escapes a branding of "& so it cannot close an attribute or start an entity', () => {
    const email = build(`"&' onmouseover=x`);
    expect(email.html).toContain("&quot;&amp;&#39; onmouseover=x");
    expect(email.html).not.toMatch(/"&'/);
  });

  it("turns line breaks in the branding into a space, so they cannot start a header or a line of their own (header injection)", () => {
    const email = build("Acme\r\nBcc: victim@example.org");
    expect(email.subject).not.toMatch(/[\r\n]/);
    expect(email.subject).toContain("Acme Bcc: victim@example.org");
    expect(email.text).not.toContain("\nBcc:");
  });

  it("loads nothing remote: no image, no stylesheet, no script, no tracking pixel", () => {
    const html = build("Acme").html;
    expect(html).not.toMatch(/<img|<link|<script|<iframe|<object|url\(|background-image|@import/i);
    const sources = [...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((match) => match[1]);
    expect(sources.every((source) => source === LINK || source === RESET)).toBe(true);
  });
});

describe("codes and links", () => {
  it("puts the code and the link, exactly as given, in both bodies of the sign-in email", () => {
    const email = signInEmail({ branding: "Acme", code: "042917", link: LINK, expiresMinutes: 10 });
    expect(email.text).toContain("042917");
    expect(email.html).toContain("042917");
    expect(email.text).toContain(LINK);
    expect(email.html).toContain(`href="${LINK}"`);
    expect(email.text).toContain("expire in 10 minutes");
  });

  it("escapes a link's query separators in the href without rewriting the link", () => {
    const link = "https://auth.example.net/verify?token=a&tenant=b";
    const email = verifyAddressEmail({ branding: "Acme", code: "111111", link, expiresMinutes: 1 });
    expect(email.html).toContain('href="https://auth.example.net/verify?token=a&amp;tenant=b"');
    expect(email.text).toContain(link);
    expect(email.text).toContain("expire in 1 minute.");
  });

  it("refuses a javascript: link rather than mail it (script injection through a link)", () => {
    expect(() => passwordResetEmail({ branding: "Acme", link: "javascript:alert(1)", expiresMinutes: 30 })).toThrow("http(s)");
    expect(() => signInEmail({ branding: "Acme", code: "1", link: "/relative", expiresMinutes: 1 })).toThrow("absolute");
  });

  it("gives the account-exists email both a sign-in and a reset link", () => {
    const email = accountExistsEmail({ branding: "Acme", signInLink: LINK, resetLink: RESET });
    expect(email.text).toContain(LINK);
    expect(email.text).toContain(RESET);
    expect(email.html).toContain(`href="${RESET}"`);
  });

  it("tells the owner what to do when a password change was not theirs", () => {
    const email = passwordChangedEmail({ branding: "Acme" });
    expect(email.text).toMatch(/If you did not.*Forgot password/s);
  });
});

describe("escapeHtml", () => {
  it("escapes the five characters that matter in text and in quoted attributes", () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe("&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;");
  });
});
