import { describe, expect, it } from "vitest";
import { turnstileAnswerMismatch } from "../../../shared/domain/turnstile-answer";

describe("turnstileAnswerMismatch", () => {
  it("checks nothing the tenant did not set", () => {
    expect(turnstileAnswerMismatch({}, { hostname: "anywhere.example", action: "whatever" })).toBeNull();
    expect(turnstileAnswerMismatch({}, { hostname: null, action: null })).toBeNull();
  });

  it("refuses a token solved on a hostname outside the list, or an answer without one", () => {
    const expected = { hostnames: ["app.example.com", "www.example.com"] };
    expect(turnstileAnswerMismatch(expected, { hostname: "www.example.com", action: null })).toBeNull();
    expect(turnstileAnswerMismatch(expected, { hostname: "WWW.Example.com", action: null })).toBeNull();
    expect(turnstileAnswerMismatch(expected, { hostname: "evil-example.com", action: null })).toBe("hostname-mismatch");
    expect(turnstileAnswerMismatch(expected, { hostname: "app.example.com.evil.net", action: null })).toBe("hostname-mismatch");
    expect(turnstileAnswerMismatch(expected, { hostname: null, action: null })).toBe("hostname-mismatch");
  });

  it("refuses a token solved for another action, compared exactly", () => {
    expect(turnstileAnswerMismatch({ action: "phone_sign_in" }, { hostname: "a", action: "phone_sign_in" })).toBeNull();
    expect(turnstileAnswerMismatch({ action: "phone_sign_in" }, { hostname: "a", action: "Phone_Sign_In" })).toBe("action-mismatch");
    expect(turnstileAnswerMismatch({ action: "phone_sign_in" }, { hostname: "a", action: null })).toBe("action-mismatch");
  });
});
