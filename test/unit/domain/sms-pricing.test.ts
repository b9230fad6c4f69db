import { describe, expect, it } from "vitest";
import { DEFAULT_SMS_PRICE_PER_SEGMENT_USD, estimatedCostUnits, smsPricePerSegment, unitsToDollars } from "../../../shared/domain/sms-pricing";

describe("SMS price estimates", () => {
  it("uses the table's list price per segment for a known country", () => {
    expect(smsPricePerSegment("US")).toBe(0.0079);
    expect(smsPricePerSegment("GB")).toBe(0.0524);
    expect(smsPricePerSegment("DE")).toBe(0.0995);
    expect(smsPricePerSegment("FR")).toBe(0.0798);
  });

  it("falls back to the default for other and unknown countries", () => {
    expect(smsPricePerSegment("BR")).toBe(DEFAULT_SMS_PRICE_PER_SEGMENT_USD);
    expect(smsPricePerSegment(null)).toBe(DEFAULT_SMS_PRICE_PER_SEGMENT_USD);
    expect(smsPricePerSegment("constructor")).toBe(DEFAULT_SMS_PRICE_PER_SEGMENT_USD);
  });

  it("sums exactly, without floating-point dust", () => {
    expect(unitsToDollars(estimatedCostUnits("US", 3))).toBe(0.0237);
    expect(unitsToDollars(estimatedCostUnits("US", 3) + estimatedCostUnits("GB", 1) + estimatedCostUnits(null, 2))).toBe(0.2361);
    expect(unitsToDollars(estimatedCostUnits("FR", 10))).toBe(0.798);
  });
});
