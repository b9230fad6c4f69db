import { describe, expect, it } from "vitest";
import { signTwilioRequest } from "../../../dev/sms/twilio-signature";
import { portVariants, twilioSignature, twilioSignedText, verifyTwilioSignature, type TwilioParam } from "../../../shared/crypto/twilio-signature";

// Twilio's documented example (https://www.twilio.com/docs/usage/webhooks/webhooks-security).
const AUTH_TOKEN = "12345";
const URL = "https://mycompany.com/myapp.php?foo=1&bar=2";
const PARAMS: TwilioParam[] = [
  ["CallSid", "CA1234567890ABCDE"],
  ["Caller", "+12349013030"],
  ["Digits", "1234"],
  ["From", "+12349013030"],
  ["To", "+18005551212"],
];
const SIGNATURE = "0/KCTR6DLpKmkAf8muzZqo1nDgQ=";

const CALLBACK_URL = "https://auth.example.com/api/webhooks/twilio/status";
const REPORT: TwilioParam[] = [
  ["MessageSid", "SM0123456789abcdef0123456789abcdef"],
  ["MessageStatus", "delivered"],
  ["AccountSid", "AC0123456789abcdef0123456789abcdef"],
  ["To", "+14155550123"],
];

describe("twilioSignature", () => {
  it("reproduces Twilio's documented example", async () => {
    expect(await twilioSignature(AUTH_TOKEN, URL, PARAMS)).toBe(SIGNATURE);
  });

  it("reproduces the example as Twilio's Node library tests it (other numbers)", async () => {
    const params = PARAMS.map(([name, value]): TwilioParam => [name, value.replace("+12349013030", "+14158675309")]);
    expect(await twilioSignature(AUTH_TOKEN, URL, params)).toBe("RSOYDt4T1cUTdK1PDd93/VVr8B8=");
  });

  it("signs the URL followed by names and values sorted by name, without delimiters", () => {
    expect(twilioSignedText(URL, [...PARAMS].reverse())).toBe(
      "https://mycompany.com/myapp.php?foo=1&bar=2CallSidCA1234567890ABCDECaller+12349013030Digits1234From+12349013030To+18005551212",
    );
  });

  it("sorts names case-sensitively, capitals first, as Unix sort does", () => {
    expect(twilioSignedText("u", [["b", "1"], ["B", "2"], ["a", "3"], ["A", "4"]])).toBe("uA4B2a3b1");
  });

  it("signs each value of a repeated name once, values sorted", () => {
    expect(twilioSignedText("u", [["Media", "2"], ["Media", "1"], ["Media", "2"], ["A", "x"]])).toBe("uAxMedia1Media2");
  });

  it("agrees with the SMS sandbox's independent node:crypto signer, Unicode and empty values included", async () => {
    const params: TwilioParam[] = [...REPORT, ["Body", "Grüße, 你好 👋 & = + %"], ["Empty", ""], ["ErrorCode", "30003"]];
    expect(await twilioSignature("tok\u00e9n", CALLBACK_URL, params)).toBe(signTwilioRequest("tok\u00e9n", CALLBACK_URL, params));
  });
});

describe("verifyTwilioSignature", () => {
  const check = async (overrides: Partial<Parameters<typeof verifyTwilioSignature>[0]> = {}) =>
    verifyTwilioSignature({ authToken: AUTH_TOKEN, url: CALLBACK_URL, params: REPORT, signature: await twilioSignature(AUTH_TOKEN, CALLBACK_URL, REPORT), ...overrides });

  it("accepts Twilio's signature for the configured URL and this body", async () => {
    expect(await check()).toBe(true);
    expect(await verifyTwilioSignature({ authToken: AUTH_TOKEN, url: URL, params: PARAMS, signature: SIGNATURE })).toBe(true);
  });

  it("refuses a missing or empty signature", async () => {
    expect(await check({ signature: null })).toBe(false);
    expect(await check({ signature: "" })).toBe(false);
  });

  it("refuses a body whose status was changed after signing (tampering)", async () => {
    expect(await check({ params: REPORT.map(([name, value]): TwilioParam => [name, name === "MessageStatus" ? "undelivered" : value]) })).toBe(false);
  });

  it("refuses a body with a parameter added or removed after signing", async () => {
    expect(await check({ params: [...REPORT, ["ErrorCode", "30003"]] })).toBe(false);
    expect(await check({ params: REPORT.slice(1) })).toBe(false);
  });

  it("refuses a signature made with another account's auth token", async () => {
    expect(await check({ signature: await twilioSignature("not-the-token", CALLBACK_URL, REPORT) })).toBe(false);
  });

  it("refuses a signature made for another URL, such as the one a forged Host header names", async () => {
    expect(await check({ signature: await twilioSignature(AUTH_TOKEN, "https://evil.example/api/webhooks/twilio/status", REPORT) })).toBe(false);
    expect(await check({ signature: await twilioSignature(AUTH_TOKEN, `${CALLBACK_URL}?x=1`, REPORT) })).toBe(false);
    expect(await check({ signature: await twilioSignature(AUTH_TOKEN, CALLBACK_URL.replace("https:", "http:"), REPORT) })).toBe(false);
  });

  it("refuses the right signature in another spelling (case, missing padding, whitespace)", async () => {
    const signature = await twilioSignature(AUTH_TOKEN, CALLBACK_URL, REPORT);
    expect(await check({ signature: signature.toLowerCase() })).toBe(false);
    expect(await check({ signature: signature.replace(/=+$/, "") })).toBe(false);
    expect(await check({ signature: ` ${signature}` })).toBe(false);
  });

  it("accepts the configured URL with its default port spelled out or dropped, as Twilio's libraries do", async () => {
    expect(await check({ signature: await twilioSignature(AUTH_TOKEN, "https://auth.example.com:443/api/webhooks/twilio/status", REPORT) })).toBe(true);
    const withPort = "https://auth.example.com:443/api/webhooks/twilio/status";
    expect(await verifyTwilioSignature({ authToken: AUTH_TOKEN, url: withPort, params: REPORT, signature: await twilioSignature(AUTH_TOKEN, CALLBACK_URL, REPORT) })).toBe(true);
  });

  it("refuses the configured URL on another port", async () => {
    expect(await check({ signature: await twilioSignature(AUTH_TOKEN, "https://auth.example.com:8443/api/webhooks/twilio/status", REPORT) })).toBe(false);
  });
});

describe("portVariants", () => {
  it("adds the scheme's default port, or drops an explicit one", () => {
    expect(portVariants("http://issuer.test/x?a=1")).toEqual(["http://issuer.test/x?a=1", "http://issuer.test:80/x?a=1"]);
    expect(portVariants("http://127.0.0.1:8787/x")).toEqual(["http://127.0.0.1:8787/x", "http://127.0.0.1/x"]);
  });

  it("leaves a URL it cannot parse alone", () => {
    expect(portVariants("not a url")).toEqual(["not a url"]);
  });
});
