import { describe, expect, it } from "vitest";
import { normalizePhone, type NormalizedPhone } from "../../../shared/domain/phone";
import { ALWAYS_REFUSED_TYPES, phoneRefusal } from "../../../shared/domain/phone-rules";

function phone(input: string): NormalizedPhone {
  const result = normalizePhone(input);
  if (!result.ok) throw new Error(`fixture ${input} no longer parses`);
  return result.value;
}

const GB_VOIP = phone("+445612345678");
const GB_PREMIUM = phone("+449012345678");
const GB_MOBILE = phone("+447400123456");
const US_NUMBER = phone("+14155550123");
const FR_SHARED_COST = phone("+33810123456");
const GB_UAN = phone("+443001234567");
const GB_PAGER = phone("+447640123456");
const GB_TOLL_FREE = phone("+448001234567");
const INMARSAT = phone("+870773111632");

const OPEN = { voip_blocking: false, allowed_countries: null };
const DEFAULTS = { voip_blocking: true, allowed_countries: null };

describe("phoneRefusal", () => {
  it("lets an ordinary mobile or landline through under the defaults", () => {
    expect(phoneRefusal(GB_MOBILE, DEFAULTS)).toBeNull();
    expect(phoneRefusal(US_NUMBER, DEFAULTS)).toBeNull();
    expect(phoneRefusal(GB_TOLL_FREE, DEFAULTS)).toBeNull();
  });

  it("refuses VOIP when voip_blocking is on", () => {
    expect(GB_VOIP.type).toBe("VOIP");
    expect(phoneRefusal(GB_VOIP, DEFAULTS)).toBe("voip");
  });

  it("allows VOIP when voip_blocking is off", () => {
    expect(phoneRefusal(GB_VOIP, OPEN)).toBeNull();
  });

  it("refuses premium-rate numbers whatever the tenant allows (toll fraud)", () => {
    expect(phoneRefusal(GB_PREMIUM, OPEN)).toBe("premium_rate");
    expect(phoneRefusal(GB_PREMIUM, { voip_blocking: false, allowed_countries: ["GB"] })).toBe("premium_rate");
    expect(phoneRefusal(phone("+19005550123"), OPEN)).toBe("premium_rate");
  });

  it.each([
    ["shared-cost", FR_SHARED_COST],
    ["UAN", GB_UAN],
    ["pager", GB_PAGER],
  ])("refuses a %s number whatever the tenant allows", (_, number) => {
    expect(phoneRefusal(number, OPEN)).toBe("number_type");
  });

  it("always refuses exactly premium-rate, shared-cost, UAN and pager numbers", () => {
    expect([...ALWAYS_REFUSED_TYPES].sort()).toEqual(["PAGER", "PREMIUM_RATE", "SHARED_COST", "UAN"]);
  });

  it("lets through only the allowed countries when a list is set", () => {
    const gbOnly = { voip_blocking: true, allowed_countries: ["GB"] };
    expect(phoneRefusal(GB_MOBILE, gbOnly)).toBeNull();
    expect(phoneRefusal(US_NUMBER, gbOnly)).toBe("country");
    expect(phoneRefusal(US_NUMBER, { voip_blocking: true, allowed_countries: ["GB", "US"] })).toBeNull();
  });

  it("refuses a number with no region when a country list is set, but not otherwise", () => {
    expect(INMARSAT.country).toBeNull();
    expect(phoneRefusal(INMARSAT, { voip_blocking: true, allowed_countries: ["GB"] })).toBe("country");
    expect(phoneRefusal(INMARSAT, DEFAULTS)).toBeNull();
  });

  it("compares regions exactly (GB does not cover a Guernsey number)", () => {
    const guernsey = phone("+447911123456");
    expect(phoneRefusal(guernsey, { voip_blocking: true, allowed_countries: ["GB"] })).toBe("country");
    expect(phoneRefusal(guernsey, { voip_blocking: true, allowed_countries: ["GB", "GG"] })).toBeNull();
  });

  it("refuses VOIP from an allowed country when voip_blocking is on", () => {
    expect(phoneRefusal(GB_VOIP, { voip_blocking: true, allowed_countries: ["GB"] })).toBe("voip");
    expect(phoneRefusal(GB_VOIP, { voip_blocking: false, allowed_countries: ["GB"] })).toBeNull();
  });

  it("lets a number of unknown type through when nothing else refuses it", () => {
    expect(phoneRefusal({ e164: "+14155550123", country: "US", type: undefined, prefix: "+14155" }, DEFAULTS)).toBeNull();
  });
});
