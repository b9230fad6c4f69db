import { describe, expect, it } from "vitest";
import { openSecret, sealSecret } from "../../../shared/crypto/key-encryption";

const SECRET = "a-test-secret-that-is-long-enough-000000";

describe("sealSecret / openSecret", () => {
  it("round-trips and never stores the plaintext", async () => {
    const sealed = await sealSecret(SECRET, '{"d":"private"}', "key_1");
    expect(sealed).not.toContain("private");
    expect(await openSecret(SECRET, sealed, "key_1")).toBe('{"d":"private"}');
  });

  it("uses a fresh IV each time", async () => {
    expect(await sealSecret(SECRET, "x", "k")).not.toBe(await sealSecret(SECRET, "x", "k"));
  });

  it("does not open under another secret", async () => {
    const sealed = await sealSecret(SECRET, "x", "k");
    expect(await openSecret(`${SECRET}-other`, sealed, "k")).toBeNull();
  });

  it("does not open when copied to another key's row (context is bound)", async () => {
    const sealed = await sealSecret(SECRET, "x", "key_a");
    expect(await openSecret(SECRET, sealed, "key_b")).toBeNull();
  });

  it("does not open when altered", async () => {
    const sealed = await sealSecret(SECRET, "some private key material", "k");
    const [format, iv, ciphertext] = sealed.split(".");
    const flipped = (ciphertext?.startsWith("A") ? "B" : "A") + (ciphertext?.slice(1) ?? "");
    expect(await openSecret(SECRET, `${format}.${iv}.${flipped}`, "k")).toBeNull();
    expect(await openSecret(SECRET, `v2.${iv}.${ciphertext}`, "k")).toBeNull();
    expect(await openSecret(SECRET, "garbage", "k")).toBeNull();
  });
});
