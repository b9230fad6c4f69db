import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { LOCAL_EMAIL_FROM } from "../../../dev/local-settings";
import { ConfigError } from "../../../shared/config/env-reader";
import { emailSettings } from "../../../shared/config/email-settings";

const AWS_KEY = `AKIA${randomBytes(8).toString("hex").toUpperCase()}`;
const FROM = "Acme <no-reply@acme.example>";

function env(extra: Record<string, string>): Record<string, string> {
  return { AWS_SECRET_ACCESS_KEY: randomBytes(30).toString("base64url"), ...extra };
}

describe("email settings", () => {
  it("sends nothing and needs no sender when no provider is configured", () => {
    expect(emailSettings(env({}), undefined, false)).toEqual({ providers: ["resend", "postmark", "ses"], from: null, resend: null, postmark: null, ses: null });
  });

  it("does not switch SES on for an SMS-only deployment that has AWS keys", () => {
    expect(emailSettings(env({}), AWS_KEY, false).ses).toBeNull();
  });

  it("reads every provider with its production address, in EMAIL_PROVIDERS order", () => {
    const config = emailSettings(env({ EMAIL_PROVIDERS: "ses, postmark,resend", EMAIL_FROM: FROM, RESEND_API_KEY: "re_live_key", POSTMARK_SERVER_TOKEN: "pm-token", AWS_SES_REGION: "eu-west-1" }), AWS_KEY, false);
    expect(config.providers).toEqual(["ses", "postmark", "resend"]);
    expect(config.from).toBe(FROM);
    expect(config.resend).toEqual({ apiKey: "re_live_key", apiBase: "https://api.resend.com" });
    expect(config.postmark).toEqual({ serverToken: "pm-token", apiBase: "https://api.postmarkapp.com" });
    expect(config.ses).toMatchObject({ region: "eu-west-1", accessKeyId: AWS_KEY, endpoint: "https://email.eu-west-1.amazonaws.com" });
  });

  it("keeps a display name with accents, dots and dashes", () => {
    expect(emailSettings(env({ RESEND_API_KEY: "re_live_key", EMAIL_FROM: "Café Rouge-Noir Inc. <hello@cafe.example>" }), undefined, false).from).toBe("Café Rouge-Noir Inc. <hello@cafe.example>");
  });

  it("accepts the sender the local stack gives the issuer", () => {
    expect(emailSettings(env({ RESEND_API_KEY: "re_live_key", EMAIL_FROM: LOCAL_EMAIL_FROM }), undefined, false).from).toBe(LOCAL_EMAIL_FROM);
  });

  it("refuses to start when a provider is configured but EMAIL_FROM is missing", () => {
    expect(() => emailSettings(env({ RESEND_API_KEY: "re_live_key" }), undefined, false)).toThrow(new ConfigError("EMAIL_FROM is required when an email provider is configured, as Name <address>"));
  });

  it.each([
    ["a bare address", "no-reply@acme.example"],
    ["no domain dot", "Acme <no-reply@localhost>"],
    ["two addresses", "Acme <a@acme.example>, Evil <b@evil.example>"],
    ["a header smuggled into the name (header injection)", "Acme\r\nBcc: x@evil.example <no-reply@acme.example>"],
    ["a quote in the name", 'Ac"me <no-reply@acme.example>'],
    ["a comma in the name, which would read as a second mailbox", "Acme, Inc <no-reply@acme.example>"],
    ["a space in the address", "Acme <no reply@acme.example>"],
  ])("refuses an EMAIL_FROM with %s", (_case, from) => {
    expect(() => emailSettings(env({ RESEND_API_KEY: "re_live_key", EMAIL_FROM: from }), undefined, false)).toThrow("EMAIL_FROM must be Name <address>");
  });

  it("refuses an unknown provider name rather than silently send with fewer", () => {
    expect(() => emailSettings(env({ EMAIL_PROVIDERS: "resend,sendgrid" }), undefined, false)).toThrow("EMAIL_PROVIDERS names an unknown provider");
  });

  it("refuses AWS_SES_REGION without AWS keys, and a region that is not one", () => {
    expect(() => emailSettings(env({ AWS_SES_REGION: "eu-west-1", EMAIL_FROM: FROM }), undefined, false)).toThrow("AWS_SES_REGION needs AWS_ACCESS_KEY_ID");
    expect(() => emailSettings(env({ AWS_SES_REGION: "eu-west-1.evil.example/", EMAIL_FROM: FROM }), AWS_KEY, false)).toThrow("AWS_SES_REGION must be an AWS region");
  });

  it("refuses a plain-http provider address outside the local stack (credentials sent in the clear)", () => {
    const settings = { RESEND_API_KEY: "re_live_key", EMAIL_FROM: FROM, RESEND_API_BASE: "http://127.0.0.1:8790" };
    expect(() => emailSettings(env(settings), undefined, false)).toThrow("RESEND_API_BASE must be an https URL");
    expect(emailSettings(env(settings), undefined, true).resend?.apiBase).toBe("http://127.0.0.1:8790");
  });

  it("refuses the example's placeholder key", () => {
    expect(() => emailSettings(env({ POSTMARK_SERVER_TOKEN: "change-me", EMAIL_FROM: FROM }), undefined, false)).toThrow("POSTMARK_SERVER_TOKEN is still the example's placeholder");
  });
});
