import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { decodeBase64Url, encodeBase64Url } from "../../../shared/crypto/base64url";

const text = (value: string) => new TextEncoder().encode(value);

describe("encodeBase64Url", () => {
  it.each([
    ["", ""],
    ["f", "Zg"],
    ["fo", "Zm8"],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg"],
    ["fooba", "Zm9vYmE"],
    ["foobar", "Zm9vYmFy"],
  ])("encodes the RFC 4648 vector %j without padding", (input, encoded) => {
    expect(encodeBase64Url(text(input))).toBe(encoded);
  });

  it("uses - and _ where standard base64 has + and /", () => {
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xef, 0xbe]))).toBe("----");
    expect(encodeBase64Url(new Uint8Array([0xff, 0xff, 0xff]))).toBe("____");
    expect(encodeBase64Url(new Uint8Array([0xfb, 0xff]))).toBe("-_8");
  });

  it("agrees with Buffer's base64url for every byte value and every tail length", () => {
    const bytes = Uint8Array.from({ length: 259 }, (_, index) => (index * 7) & 0xff);
    for (let length = 0; length <= bytes.length; length += 1) {
      const slice = bytes.subarray(0, length);
      expect(encodeBase64Url(slice)).toBe(Buffer.from(slice).toString("base64url"));
    }
  });
});

describe("decodeBase64Url", () => {
  it("round-trips any bytes", () => {
    for (let length = 0; length < 70; length++) {
      const bytes = crypto.getRandomValues(new Uint8Array(length));
      expect(decodeBase64Url(encodeBase64Url(bytes))).toEqual(bytes);
    }
  });

  it.each([
    ["Zg", "f"],
    ["Zm8", "fo"],
    ["Zm9vYmFy", "foobar"],
    ["", ""],
  ])("decodes %j", (encoded, decoded) => {
    expect(decodeBase64Url(encoded)).toEqual(text(decoded));
  });

  it.each([
    ["padding", "Zg=="],
    ["a single pad", "Zm8="],
    ["the standard alphabet's +", "+-8"],
    ["the standard alphabet's /", "_/8"],
    ["whitespace", "Zm9v YmFy"],
    ["a trailing newline", "Zm9v\n"],
    ["a length of 4n+1", "Zm9vY"],
    ["a non-ASCII letter", "Zm9é"],
    ["a dot (a JWS separator)", "Zm9v.YmFy"],
  ])("refuses %s", (_, encoded) => {
    expect(decodeBase64Url(encoded)).toBeNull();
  });

  // The doc comment promises null for "anything that is not canonical". In a
  // canonical encoding the unused low bits of the last character are zero, so
  // each byte string has exactly one spelling ("Zg" for "f", never "Zh").
  // Without this a JWS signature segment has 16 spellings that all verify.
  it("refuses a spelling whose unused trailing bits are set (not canonical)", () => {
    const spellings = [
      ["Zh", "Zg"],
      ["Zm9", "Zm8"],
      ["AB", "AA"],
      ["AAB", "AAA"],
    ] as const;
    for (const [, canonical] of spellings) expect(decodeBase64Url(canonical)).not.toBeNull();
    const accepted = spellings.filter(([nonCanonical]) => decodeBase64Url(nonCanonical) !== null).map(([nonCanonical]) => nonCanonical);
    expect(accepted).toEqual([]);
  });

  it("accepts exactly the strings that are the encoding of what they decode to", () => {
    const base64urlText = fc.string({ unit: fc.constantFrom(...Array.from("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")), maxLength: 12 });
    const nearlyBase64urlText = fc.string({ unit: fc.oneof(fc.constantFrom(...Array.from("AZaz09-_+/=. \n")), fc.string({ unit: "binary", minLength: 1, maxLength: 1 })), maxLength: 8 });
    fc.assert(
      fc.property(fc.oneof(base64urlText, nearlyBase64urlText), (candidate) => {
        const canonical =
          /^[A-Za-z0-9_-]*$/.test(candidate) && candidate.length % 4 !== 1 && Buffer.from(candidate, "base64url").toString("base64url") === candidate;
        const decoded = decodeBase64Url(candidate);
        expect(decoded !== null).toBe(canonical);
        if (decoded) expect(Buffer.from(decoded).toString("base64url")).toBe(candidate);
      }),
      { numRuns: 5_000 },
    );
  });
});
