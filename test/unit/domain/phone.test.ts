import { describe, expect, it } from "vitest";
import { normalizePhone } from "../../../shared/domain/phone";

describe("normalizePhone", () => {
  it("accepts an E.164 number and reports its region and type", () => {
    expect(normalizePhone("+14155550123")).toEqual({ ok: true, value: { e164: "+14155550123", country: "US", type: "FIXED_LINE_OR_MOBILE", prefix: "+14155" } });
  });

  it.each(["+1 415 555 0123", "+1-415-555-0123", "+1 (415) 555-0123", "+1(415)5550123", "+1.415.555.0123", "  +14155550123\t"])(
    "normalises %j to the same E.164 number",
    (input) => {
      const result = normalizePhone(input);
      expect(result.ok && result.value.e164).toBe("+14155550123");
    },
  );

  it.each([
    ["a national number without +", "4155550123"],
    ["a number with 00 instead of +", "0014155550123"],
    ["text before the number", "call +14155550123"],
    ["text after the number", "+14155550123 please"],
    ["an extension written ext.", "+14155550123 ext. 12"],
    ["an extension written x", "+1 415 555 0123 x12"],
    ["an RFC 3966 extension", "+14155550123;ext=12"],
    ["an extension after #", "+14155550123#12"],
    ["a letter O for a zero", "+1415555O123"],
    ["vanity letters", "+1-800-FLOWERS"],
    ["two plus signs", "++14155550123"],
    ["a plus sign in the middle", "+1415+5550123"],
    ["a tel: URI", "tel:+14155550123"],
    ["too few digits", "+1415"],
    ["a UK mobile-shaped number from a range that is not allocated (Ofcom drama range)", "+447700900123"],
    ["the empty string", ""],
    ["a bare plus", "+"],
    ["Arabic-Indic digits", "+١٤١٥٥٥٥٠١٢٣"],
    ["a newline inside the number", "+1415\n5550123"],
  ])("refuses %s", (_, input) => {
    expect(normalizePhone(input)).toEqual({ ok: false, error: "invalid_phone" });
  });

  it("refuses a very long string without trying to find a number in it", () => {
    expect(normalizePhone(`+1${"5".repeat(40)}`)).toEqual({ ok: false, error: "invalid_phone" });
  });

  it("recognises a UK VOIP number", () => {
    expect(normalizePhone("+445612345678")).toEqual({ ok: true, value: { e164: "+445612345678", country: "GB", type: "VOIP", prefix: "+445612" } });
  });

  it("recognises a UK premium-rate number", () => {
    expect(normalizePhone("+449012345678")).toEqual({ ok: true, value: { e164: "+449012345678", country: "GB", type: "PREMIUM_RATE", prefix: "+449012" } });
  });

  it("recognises a UK mobile, with the region libphonenumber assigns within +44", () => {
    expect(normalizePhone("+44 7400 123456")).toEqual({ ok: true, value: { e164: "+447400123456", country: "GB", type: "MOBILE", prefix: "+447400" } });
    // 07911 1xxxxx is a Guernsey range: same +44 plan, but region GG, not GB.
    expect(normalizePhone("+447911123456")).toEqual({ ok: true, value: { e164: "+447911123456", country: "GG", type: "MOBILE", prefix: "+447911" } });
  });

  it("reports no region for a number outside any country (Inmarsat)", () => {
    const result = normalizePhone("+870773111632");
    expect(result.ok && result.value.country).toBeNull();
  });
});
