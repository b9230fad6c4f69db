import { readFileSync } from "node:fs";
import { Validator } from "@seriousme/openapi-schema-validator";
import { describe, expect, it } from "vitest";
import { sdkTypesText } from "../../../dev/sdk-types";
import type { Failure, FailureReason } from "../../../shared/errors/failure";
import { failureResponse } from "../../../shared/errors/failure-response";
import { ERROR_STATUS } from "../../../workers/issuer/openapi/error-codes";

const documentText = readFileSync(new URL("../../../sdk/openapi.json", import.meta.url), "utf8");
const document = JSON.parse(documentText) as { paths: Record<string, Record<string, { operationId: string; responses: Record<string, unknown> }>> };

describe("the API description (sdk/openapi.json, what GET /openapi.json serves)", () => {
  it("is a valid OpenAPI 3.1 document", async () => {
    const validator = new Validator();
    const result = await validator.validate(JSON.parse(documentText) as Parameters<Validator["validate"]>[0]);
    expect(result.errors ?? []).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe("3.1");
  });

  it("gives every operation a unique id and at least one successful answer", () => {
    const operations = Object.values(document.paths).flatMap((methods) => Object.values(methods));
    const ids = operations.map((operation) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const operation of operations) expect(Object.keys(operation.responses).some((status) => /^[23]/.test(status)), operation.operationId).toBe(true);
  });

  it("is what the SDK's generated types were made from (run `npm run openapi` after changing a route)", async () => {
    const committedTypes = readFileSync(new URL("../../../sdk/src/generated/api.ts", import.meta.url), "utf8");
    expect(await sdkTypesText(documentText)).toBe(committedTypes);
  });
});

describe("the status the document gives each error code", () => {
  const samples: { [R in FailureReason]: Extract<Failure, { reason: R }> } = {
    not_found: { reason: "not_found" },
    method_not_allowed: { reason: "method_not_allowed", allow: ["GET"] },
    unsupported_media_type: { reason: "unsupported_media_type" },
    invalid_json: { reason: "invalid_json" },
    payload_too_large: { reason: "payload_too_large", limitBytes: 16384 },
    invalid_request: { reason: "invalid_request", field: "body", message: "x" },
    unauthorized: { reason: "unauthorized" },
    slug_taken: { reason: "slug_taken" },
    invalid_api_key: { reason: "invalid_api_key" },
    invalid_token: { reason: "invalid_token", description: "x" },
    insufficient_scope: { reason: "insufficient_scope", description: "x" },
    invalid_phone: { reason: "invalid_phone" },
    phone_not_allowed: { reason: "phone_not_allowed", detail: "voip" },
    rate_limited: { reason: "rate_limited", retryAfterSeconds: 1 },
    sms_unavailable: { reason: "sms_unavailable" },
    invalid_code: { reason: "invalid_code", attemptsRemaining: 1 },
    code_expired: { reason: "code_expired" },
    too_many_attempts: { reason: "too_many_attempts", retryAfterSeconds: null },
    invalid_grant: { reason: "invalid_grant" },
    user_disabled: { reason: "user_disabled" },
    service_unavailable: { reason: "service_unavailable", retryAfterSeconds: 1 },
    gate_not_configured: { reason: "gate_not_configured" },
    bad_gateway: { reason: "bad_gateway" },
    authentication_required: { reason: "authentication_required" },
    invalid_signature: { reason: "invalid_signature" },
    ambiguous_path: { reason: "ambiguous_path" },
    idempotency_key_in_use: { reason: "idempotency_key_in_use", retryAfterSeconds: 1 },
    idempotency_key_reused: { reason: "idempotency_key_reused" },
    sign_in_method_disabled: { reason: "sign_in_method_disabled" },
    invalid_email: { reason: "invalid_email" },
    weak_password: { reason: "weak_password", detail: "too_short" },
    email_taken: { reason: "email_taken" },
    phone_taken: { reason: "phone_taken" },
    invalid_credentials: { reason: "invalid_credentials" },
    email_not_verified: { reason: "email_not_verified" },
    email_unavailable: { reason: "email_unavailable" },
    insufficient_user_authentication: { reason: "insufficient_user_authentication", description: "x", maxAge: 300 },
    mfa_token_expired: { reason: "mfa_token_expired" },
    invalid_credential: { reason: "invalid_credential" },
    totp_already_enrolled: { reason: "totp_already_enrolled" },
    no_second_factor: { reason: "no_second_factor" },
  };

  it.each(Object.values(samples))("is the status the issuer answers $reason with", (failure) => {
    expect(ERROR_STATUS[failure.reason]).toBe(failureResponse(failure).status);
  });
});

describe("the OAuth form endpoints", () => {
  it.each(["/oauth2/token", "/oauth2/revoke"])("%s lists a malformed or oversized form as RFC 6749's 400 invalid_request, never as the contract's 413 or 415", (path) => {
    const responses = document.paths[path]?.post?.responses ?? {};
    expect(Object.keys(responses)).not.toContain("413");
    expect(Object.keys(responses)).not.toContain("415");
    expect(JSON.stringify(responses["400"])).toContain("RFC 6749");
  });
});

describe("the OAuth JSON endpoints during an outage", () => {
  it.each([
    ["/oauth2/token", "post"],
    ["/oauth2/revoke", "post"],
    ["/oauth2/userinfo", "get"],
    ["/oauth2/userinfo", "post"],
  ])("%s (%s) lists the contract's 503 service_unavailable, which the issuer answers when a dependency is unreachable", (path, method) => {
    const responses = document.paths[path]?.[method]?.responses ?? {};
    expect(JSON.stringify(responses["503"])).toContain("service_unavailable");
  });
});
