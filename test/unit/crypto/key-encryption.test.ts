import { describe, expect, it } from "vitest";
import { openSecret, sealSecret, type SealPurpose } from "../../../shared/crypto/key-encryption";

const SECRET = "a-test-secret-that-is-long-enough-000000";
const PURPOSES: readonly SealPurpose[] = ["signing-key", "turnstile-secret", "idempotent-answer", "totp-secret"];

/** Sealed by the single-key format (`v1`, HKDF info "portcullis signing-key encryption v1") that rows written before v2 hold. */
const LEGACY_SECRET = "legacy-fixture-secret-that-is-long-enough-0123";
const LEGACY = {
  signingKey: "v1.pMwbFLqhVcG6dQb3.5jxMrHDSulOSvBqR9yRzzoOT9Ptk3ATjlDqZ6MJ22uxQqGP4HtY",
  turnstile: "v1.Bcd28U3vx5vugcsh.XopDda9LWHU4i-x1AcdeGlbStBGGrrW-AvfVO9JnjmBXnMe4g-2OQCj5lmkvA20",
  idempotent: "v1.1nxy25OXlz97sJKd.-kihIYeGXkl9shSOYleHN_nDoz8p73bcPEGVxen0q2d7bTAhqr6-1Fwv1ithAg",
};

describe("sealSecret / openSecret", () => {
  it("round-trips and never stores the plaintext", async () => {
    const sealed = await sealSecret(SECRET, "signing-key", '{"d":"private"}', "key_1");
    expect(sealed).toMatch(/^v2\./);
    expect(sealed).not.toContain("private");
    expect(await openSecret(SECRET, "signing-key", sealed, "key_1")).toBe('{"d":"private"}');
  });

  it("uses a fresh IV each time", async () => {
    expect(await sealSecret(SECRET, "signing-key", "x", "k")).not.toBe(await sealSecret(SECRET, "signing-key", "x", "k"));
  });

  it("does not open under another secret", async () => {
    const sealed = await sealSecret(SECRET, "signing-key", "x", "k");
    expect(await openSecret(`${SECRET}-other`, "signing-key", sealed, "k")).toBeNull();
  });

  it("does not open when copied to another key's row (context is bound)", async () => {
    const sealed = await sealSecret(SECRET, "signing-key", "x", "key_a");
    expect(await openSecret(SECRET, "signing-key", sealed, "key_b")).toBeNull();
  });

  it("seals each purpose under its own key: a value moved into another purpose does not open, even with the same context", async () => {
    for (const purpose of PURPOSES) {
      const sealed = await sealSecret(SECRET, purpose, "x", "same-context");
      for (const other of PURPOSES) {
        expect(await openSecret(SECRET, other, sealed, "same-context")).toBe(other === purpose ? "x" : null);
      }
    }
  });

  it("still opens values sealed before each purpose had its own key", async () => {
    expect(await openSecret(LEGACY_SECRET, "signing-key", LEGACY.signingKey, "key_legacy")).toBe('{"d":"legacy-private"}');
    expect(await openSecret(LEGACY_SECRET, "turnstile-secret", LEGACY.turnstile, "turnstile:ten_legacy")).toBe("0x4AAAAAAALegacyTurnstileSecret");
    expect(await openSecret(LEGACY_SECRET, "idempotent-answer", LEGACY.idempotent, "idempotency:abc")).toBe('{"headers":[],"body":"legacy"}');
    // The context still binds them to their row.
    expect(await openSecret(LEGACY_SECRET, "turnstile-secret", LEGACY.turnstile, "turnstile:ten_other")).toBeNull();
  });

  it("does not open when altered", async () => {
    const sealed = await sealSecret(SECRET, "signing-key", "some private key material", "k");
    const [format, iv, ciphertext] = sealed.split(".");
    const flipped = (ciphertext?.startsWith("A") ? "B" : "A") + (ciphertext?.slice(1) ?? "");
    expect(await openSecret(SECRET, "signing-key", `${format}.${iv}.${flipped}`, "k")).toBeNull();
    expect(await openSecret(SECRET, "signing-key", `v1.${iv}.${ciphertext}`, "k")).toBeNull();
    expect(await openSecret(SECRET, "signing-key", `v3.${iv}.${ciphertext}`, "k")).toBeNull();
    expect(await openSecret(SECRET, "signing-key", "garbage", "k")).toBeNull();
  });
});
