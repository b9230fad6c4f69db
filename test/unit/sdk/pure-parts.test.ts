import { describe, expect, it } from "vitest";
import { base64UrlToBytes, bytesToBase64Url } from "../../../sdk/src/base64url";
import { memoryStorage } from "../../../sdk/src/client/storage";
import { errorFromResponse } from "../../../sdk/src/errors";

describe("SDK base64url", () => {
  it.each([0, 1, 2, 3, 31, 32, 33, 64])("round-trips %i bytes without padding or +/", (length) => {
    const bytes = crypto.getRandomValues(new Uint8Array(length));
    const text = bytesToBase64Url(bytes);
    expect(text).toMatch(/^[A-Za-z0-9_-]*$/);
    expect(Buffer.from(text, "base64url").equals(Buffer.from(bytes))).toBe(true);
    expect([...base64UrlToBytes(text)]).toEqual([...bytes]);
  });
});

describe("SDK errors from the issuer's answers", () => {
  it("keeps the contract's code, field, Retry-After and extra fields", async () => {
    const response = new Response(JSON.stringify({ error: { code: "invalid_code", message: "The code is wrong.", attempts_remaining: 2 } }), { status: 401 });
    const error = await errorFromResponse(response);
    expect(error).toMatchObject({ status: 401, code: "invalid_code", message: "The code is wrong.", details: { attempts_remaining: 2 } });
    const limited = await errorFromResponse(new Response(JSON.stringify({ error: { code: "rate_limited", message: "Too many." } }), { status: 429, headers: { "Retry-After": "30" } }));
    expect(limited.retryAfterSeconds).toBe(30);
    const invalid = await errorFromResponse(new Response(JSON.stringify({ error: { code: "invalid_request", message: "phone is required.", field: "phone" } }), { status: 400 }));
    expect(invalid.field).toBe("phone");
  });

  it("reads RFC 6749's shape from the OAuth endpoints, and names an answer that is not JSON by its status", async () => {
    expect(await errorFromResponse(new Response(JSON.stringify({ error: "invalid_grant", error_description: "The code was used." }), { status: 400 }))).toMatchObject({ code: "invalid_grant", message: "The code was used." });
    expect(await errorFromResponse(new Response("<html>bad gateway</html>", { status: 502 }))).toMatchObject({ code: "http_502", status: 502 });
  });
});

describe("SDK memory storage", () => {
  it("keeps one session and forgets it on clear", async () => {
    const storage = memoryStorage();
    expect(await storage.get()).toBeNull();
    const session = { accessToken: "a", refreshToken: "r", expiresAt: 1, userId: "usr_1" };
    await storage.set(session);
    expect(await storage.get()).toEqual(session);
    await storage.clear();
    expect(await storage.get()).toBeNull();
  });
});
