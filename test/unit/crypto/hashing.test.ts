import { createHash, createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hmacSha256Hex, sha256Hex, toHex } from "../../../shared/crypto/hashing";

describe("sha256Hex", () => {
  it.each([
    ["", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"],
    ["abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"],
    ["abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1"],
  ])("matches the FIPS 180-2 vector for %j", (input, digest) => {
    return expect(sha256Hex(input)).resolves.toBe(digest);
  });

  it("hashes the UTF-8 bytes of the text, as any other SHA-256 would", async () => {
    for (const input of ["é", "电话", "🔐 rt_abc", "a\u0000b"]) {
      expect(await sha256Hex(input)).toBe(createHash("sha256").update(input, "utf8").digest("hex"));
    }
  });

  it("gives 64 lowercase hex characters and never the input itself", async () => {
    const secret = "rt_0123456789abcdefghjkmnpqrstvwxyz0123456789abcdefgh";
    const digest = await sha256Hex(secret);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(digest).not.toContain(secret);
  });
});

describe("hmacSha256Hex", () => {
  it("matches RFC 4231 test case 2", () => {
    return expect(hmacSha256Hex("Jefe", "what do ya want for nothing?")).resolves.toBe("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  });

  it("agrees with node:crypto for UTF-8 secrets and values", async () => {
    const cases: [string, string][] = [["pepper", "+14155550123"], ["clé secrète", "123456"], ["k", ""]];
    for (const [secret, value] of cases) {
      expect(await hmacSha256Hex(secret, value)).toBe(createHmac("sha256", Buffer.from(secret, "utf8")).update(value, "utf8").digest("hex"));
    }
  });

  it("depends on the secret, so a code or phone number cannot be looked up in a plain-hash table", async () => {
    const value = "123456";
    const [first, second, plain] = await Promise.all([hmacSha256Hex("secret-a", value), hmacSha256Hex("secret-b", value), sha256Hex(value)]);
    expect(first).not.toBe(second);
    expect(first).not.toBe(plain);
  });
});

describe("toHex", () => {
  it("pads each byte to two lowercase digits", () => {
    expect(toHex(new Uint8Array([0, 1, 15, 16, 171, 255]))).toBe("00010f10abff");
  });

  it("is empty for no bytes", () => {
    expect(toHex(new Uint8Array())).toBe("");
  });

  it("agrees with Buffer for every byte value", () => {
    const bytes = Uint8Array.from({ length: 256 }, (_, index) => index);
    expect(toHex(bytes)).toBe(Buffer.from(bytes).toString("hex"));
  });
});
