import { describe, expect, it } from "vitest";
import { bytesEqual, secretsEqual } from "../../../shared/crypto/constant-time";

const ADMIN_TOKEN = "adm_9f2c4e7a1b3d5f6081726354a9b8c7d6";

describe("secretsEqual", () => {
  it("accepts the exact secret", () => {
    return expect(secretsEqual(ADMIN_TOKEN, ADMIN_TOKEN)).resolves.toBe(true);
  });

  it.each([
    ["a secret differing in its last character", `${ADMIN_TOKEN.slice(0, -1)}7`],
    ["a secret differing in its first character", `b${ADMIN_TOKEN.slice(1)}`],
    ["a prefix of the secret", ADMIN_TOKEN.slice(0, -1)],
    ["the secret with a suffix", `${ADMIN_TOKEN}0`],
    ["the secret in another case", ADMIN_TOKEN.toUpperCase()],
    ["the secret with surrounding space", ` ${ADMIN_TOKEN} `],
    ["an empty string", ""],
  ])("refuses %s", (_, presented) => {
    return expect(secretsEqual(presented, ADMIN_TOKEN)).resolves.toBe(false);
  });

  it("treats two empty strings as equal and an empty expected secret as matching only the empty string", async () => {
    expect(await secretsEqual("", "")).toBe(true);
    expect(await secretsEqual("x", "")).toBe(false);
  });

  it("compares the full Unicode text, not a lossy encoding of it", async () => {
    expect(await secretsEqual("clé", "clé")).toBe(true);
    expect(await secretsEqual("clé", "cle\u0301")).toBe(false);
    expect(await secretsEqual("\uD800", "\uDC00")).toBe(true); // both lone surrogates encode as U+FFFD
  });
});

describe("bytesEqual", () => {
  it("accepts identical bytes, including none", () => {
    expect(bytesEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(true);
    expect(bytesEqual(new Uint8Array(), new Uint8Array())).toBe(true);
  });

  it("notices a difference at either end and in a single bit", () => {
    expect(bytesEqual(new Uint8Array([0, 2, 3]), new Uint8Array([1, 2, 3]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2, 3]), new Uint8Array([1, 2, 4]))).toBe(false);
    expect(bytesEqual(new Uint8Array([0x80]), new Uint8Array([0x00]))).toBe(false);
  });

  it("refuses byte strings of different lengths, even when one is a prefix of the other", () => {
    expect(bytesEqual(new Uint8Array([1, 2]), new Uint8Array([1, 2, 0]))).toBe(false);
    expect(bytesEqual(new Uint8Array([1, 2, 0]), new Uint8Array([1, 2]))).toBe(false);
    expect(bytesEqual(new Uint8Array(), new Uint8Array([0]))).toBe(false);
  });

  it("finds a lone differing byte anywhere in a long string", () => {
    const base = Uint8Array.from({ length: 64 }, (_, index) => index * 3);
    for (let index = 0; index < base.length; index++) {
      const altered = base.slice();
      altered[index] = (altered[index] ?? 0) ^ 1;
      expect(bytesEqual(base, altered)).toBe(false);
    }
    expect(bytesEqual(base, base.slice())).toBe(true);
  });
});
