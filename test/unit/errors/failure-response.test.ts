import { describe, expect, it } from "vitest";
import { bearerChallenge, failureResponse } from "../../../shared/errors/failure-response";

describe("failureResponse", () => {
  it("maps each contract error to its status", () => {
    expect(failureResponse({ reason: "unsupported_media_type" }).status).toBe(415);
    expect(failureResponse({ reason: "invalid_json" }).status).toBe(400);
    expect(failureResponse({ reason: "payload_too_large", limitBytes: 16384 }).status).toBe(413);
    expect(failureResponse({ reason: "not_found" }).status).toBe(404);
    expect(failureResponse({ reason: "method_not_allowed", allow: ["GET"] })).toMatchObject({ status: 405, headers: { Allow: "GET" } });
    expect(failureResponse({ reason: "slug_taken" }).status).toBe(409);
    expect(failureResponse({ reason: "sms_unavailable" }).status).toBe(502);
    expect(failureResponse({ reason: "service_unavailable", retryAfterSeconds: 5 })).toMatchObject({ status: 503, headers: { "Retry-After": "5" } });
    expect(failureResponse({ reason: "idempotency_key_in_use", retryAfterSeconds: 1 })).toMatchObject({ status: 409, code: "idempotency_key_in_use", headers: { "Retry-After": "1" } });
    expect(failureResponse({ reason: "idempotency_key_reused" })).toMatchObject({ status: 422, code: "idempotency_key_reused" });
  });

  it("puts contract extras beside code and message", () => {
    expect(failureResponse({ reason: "invalid_request", field: "slug", message: "bad" }).extra).toEqual({ field: "slug" });
    expect(failureResponse({ reason: "invalid_code", attemptsRemaining: 2 }).extra).toEqual({ attempts_remaining: 2 });
    expect(failureResponse({ reason: "phone_not_allowed", detail: "voip" }).extra).toEqual({ reason: "voip" });
  });

  it("rounds Retry-After up to whole seconds and never below one", () => {
    expect(failureResponse({ reason: "rate_limited", retryAfterSeconds: 0.2 }).headers["Retry-After"]).toBe("1");
    expect(failureResponse({ reason: "rate_limited", retryAfterSeconds: 61.5 }).headers["Retry-After"]).toBe("62");
  });

  it("answers invalid_token with an RFC 6750 challenge", () => {
    expect(failureResponse({ reason: "invalid_token", description: "expired" }).headers["WWW-Authenticate"]).toBe(
      'Bearer realm="portcullis", error="invalid_token", error_description="expired"',
    );
  });
});

describe("bearerChallenge", () => {
  it("escapes quotes and backslashes that would break out of the quoted string", () => {
    expect(bearerChallenge({ error_description: 'a "quoted" \\ value' })).toBe('Bearer error_description="a \\"quoted\\" \\\\ value"');
  });

  it("drops characters that cannot appear in a header value (header injection)", () => {
    expect(bearerChallenge({ realm: "x\r\nSet-Cookie: y=1é" })).toBe('Bearer realm="xSet-Cookie: y=1"');
  });
});
