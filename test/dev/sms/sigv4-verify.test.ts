import { describe, expect, it } from "vitest";
import type { ReceivedRequest } from "../../../dev/sms/sigv4-canonical";
import { MAX_CLOCK_SKEW_MS, verifySigV4, type SigV4Expectations } from "../../../dev/sms/sigv4-verify";

// AWS's published Signature Version 4 test suite: fixed credentials, date and expected signatures.
const SUITE: SigV4Expectations = {
  accessKeyId: "AKIDEXAMPLE",
  secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY",
  region: "us-east-1",
  service: "service",
  now: new Date("2015-08-30T12:36:00Z"),
};
const SCOPE = "Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request";

function suiteRequest(method: string, target: string, headers: Record<string, string>, signedHeaders: string, signature: string, body = ""): ReceivedRequest {
  const rawHeaders = Object.entries({
    Host: "example.amazonaws.com",
    "X-Amz-Date": "20150830T123600Z",
    ...headers,
    Authorization: `AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  }).flat();
  return { method, target, rawHeaders, body: Buffer.from(body) };
}

const getVanilla = suiteRequest("GET", "/", {}, "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");

describe("SigV4 verification against AWS's test suite", () => {
  it("accepts get-vanilla", () => {
    expect(verifySigV4(getVanilla, SUITE)).toEqual({ ok: true });
  });

  it("accepts get-vanilla-query-order-key-case (query sorted before signing)", () => {
    const request = suiteRequest("GET", "/?Param2=value2&Param1=value1", {}, "host;x-amz-date", "b97d918cfa904a5beff61c982a1b6f458b799221646efd99d3219ec94cdf2500");
    expect(verifySigV4(request, SUITE)).toEqual({ ok: true });
  });

  it("accepts post-x-www-form-urlencoded (body hashed, content-type signed)", () => {
    const request = suiteRequest(
      "POST",
      "/",
      { "Content-Type": "application/x-www-form-urlencoded" },
      "content-type;host;x-amz-date",
      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
      "Param1=value1",
    );
    expect(verifySigV4(request, SUITE)).toEqual({ ok: true });
  });
});

describe("SigV4 refusals", () => {
  it("refuses a body changed after signing", () => {
    const request = suiteRequest(
      "POST",
      "/",
      { "Content-Type": "application/x-www-form-urlencoded" },
      "content-type;host;x-amz-date",
      "ff11897932ad3f4e8b18135d722051e5ac45fc38421b1da7b9d196a0fe09473a",
      "Param1=value2",
    );
    expect(verifySigV4(request, SUITE)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses the right signature checked with a different secret", () => {
    expect(verifySigV4(getVanilla, { ...SUITE, secretAccessKey: "another-secret" })).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses a signed header whose value was changed", () => {
    const request = { ...getVanilla, rawHeaders: getVanilla.rawHeaders.map((value) => (value === "example.amazonaws.com" ? "attacker.example" : value)) };
    expect(verifySigV4(request, SUITE)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch" });
  });

  it("refuses an unknown access key id before looking at the signature", () => {
    expect(verifySigV4(getVanilla, { ...SUITE, accessKeyId: "AKIDOTHER" })).toMatchObject({ ok: false, code: "InvalidClientTokenId" });
  });

  it("refuses a credential scoped to another region or service", () => {
    expect(verifySigV4(getVanilla, { ...SUITE, region: "eu-west-1" })).toMatchObject({ ok: false, code: "SignatureDoesNotMatch", message: expect.stringContaining("region") });
    expect(verifySigV4(getVanilla, { ...SUITE, service: "sns" })).toMatchObject({ ok: false, code: "SignatureDoesNotMatch", message: expect.stringContaining("service") });
  });

  it("allows 15 minutes of clock skew each way and no more", () => {
    const signedAt = SUITE.now.getTime();
    expect(verifySigV4(getVanilla, { ...SUITE, now: new Date(signedAt + MAX_CLOCK_SKEW_MS) })).toEqual({ ok: true });
    expect(verifySigV4(getVanilla, { ...SUITE, now: new Date(signedAt - MAX_CLOCK_SKEW_MS) })).toEqual({ ok: true });
    expect(verifySigV4(getVanilla, { ...SUITE, now: new Date(signedAt + MAX_CLOCK_SKEW_MS + 1000) })).toMatchObject({ ok: false, code: "RequestExpired" });
    expect(verifySigV4(getVanilla, { ...SUITE, now: new Date(signedAt - MAX_CLOCK_SKEW_MS - 1000) })).toMatchObject({ ok: false, code: "RequestExpired" });
  });

  it("refuses a request without an Authorization header", () => {
    const request = { ...getVanilla, rawHeaders: ["Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z"] };
    expect(verifySigV4(request, SUITE)).toMatchObject({ ok: false, code: "MissingAuthenticationToken" });
  });

  it("refuses a malformed Authorization header, a missing date and an unsigned host", () => {
    const withAuthorization = (authorization: string): ReceivedRequest => ({
      ...getVanilla,
      rawHeaders: ["Host", "example.amazonaws.com", "X-Amz-Date", "20150830T123600Z", "Authorization", authorization],
    });
    const signature = "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31";
    expect(verifySigV4(withAuthorization(`AWS4-HMAC-SHA1 ${SCOPE}, SignedHeaders=host;x-amz-date, Signature=${signature}`), SUITE)).toMatchObject({ code: "IncompleteSignature" });
    expect(verifySigV4(withAuthorization(`AWS4-HMAC-SHA256 ${SCOPE}, Signature=${signature}`), SUITE)).toMatchObject({ code: "IncompleteSignature" });
    expect(verifySigV4(withAuthorization(`AWS4-HMAC-SHA256 ${SCOPE}, SignedHeaders=x-amz-date, Signature=${signature}`), SUITE)).toMatchObject({ code: "IncompleteSignature" });
    const undated = { ...getVanilla, rawHeaders: getVanilla.rawHeaders.filter((_, index, all) => all[index] !== "X-Amz-Date" && all[index - 1] !== "X-Amz-Date") };
    expect(verifySigV4(undated, SUITE)).toMatchObject({ code: "IncompleteSignature" });
  });

  it("refuses a declared payload hash that is not the hash of the body", () => {
    const request = suiteRequest("GET", "/", { "X-Amz-Content-Sha256": "0".repeat(64) }, "host;x-amz-date", "5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31");
    expect(verifySigV4(request, SUITE)).toMatchObject({ ok: false, code: "SignatureDoesNotMatch", message: expect.stringContaining("x-amz-content-sha256") });
  });
});
