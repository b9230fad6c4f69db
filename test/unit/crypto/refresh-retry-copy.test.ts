import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";
import { openRetryCopy, sealRetryCopy } from "../../../shared/crypto/refresh-retry-copy";

const SECRET = "a-test-secret-that-is-long-enough-000000";
const SUCCESSOR = "rt_SUCCESSORSUCCESSORSUCCESSOR";

describe("refresh-token retry copies", () => {
  it("open for the token they succeed, and never hold the successor in clear", async () => {
    const sealed = await sealRetryCopy(SECRET, SUCCESSOR, "hash-of-predecessor");
    expect(sealed).not.toContain("SUCCESSOR");
    expect(await openRetryCopy(SECRET, sealed, "hash-of-predecessor")).toBe(SUCCESSOR);
  });

  it("do not open when presented for another predecessor (a copy moved to another chain)", async () => {
    const sealed = await sealRetryCopy(SECRET, SUCCESSOR, "hash-of-predecessor");
    expect(await openRetryCopy(SECRET, sealed, "hash-of-another-token")).toBeNull();
  });

  it("use a key of their own: a value sealed for another purpose does not open as a retry copy, nor the reverse", async () => {
    const context = "refresh-retry:hash-of-predecessor";
    const sealedElsewhere = await sealSecret(SECRET, "idempotent-answer", SUCCESSOR, context);
    expect(await openRetryCopy(SECRET, sealedElsewhere, "hash-of-predecessor")).toBeNull();
    const copy = await sealRetryCopy(SECRET, SUCCESSOR, "hash-of-predecessor");
    expect(await openSecret(SECRET, "signing-key", copy, context)).toBeNull();
  });

  it("do not open under another KEY_ENCRYPTION_SECRET", async () => {
    const sealed = await sealRetryCopy(SECRET, SUCCESSOR, "hash-of-predecessor");
    expect(await openRetryCopy(`${SECRET}-rotated`, sealed, "hash-of-predecessor")).toBeNull();
  });
});
