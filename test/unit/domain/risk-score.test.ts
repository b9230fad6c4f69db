import { describe, expect, it } from "vitest";
import { assessRisk, lineKindFromLookup, lineKindFromNumberType, RISK_WEIGHTS, type RiskSignals } from "../../../shared/domain/risk-score";

const calm: RiskSignals = { line: "mobile", phoneCountry: "US", requestCountry: "US", prefixVelocity: 0, ipVelocity: 0, prefixFailureRatio: null, lookupFailed: false };

describe("assessRisk", () => {
  it("scores a mobile number from its own country, with no velocity, at zero", () => {
    expect(assessRisk(calm)).toEqual({ score: 0, contributions: {} });
  });

  it("adds each signal's documented weight", () => {
    expect(assessRisk({ ...calm, line: "voip" }).score).toBe(RISK_WEIGHTS.line.voip);
    expect(assessRisk({ ...calm, requestCountry: "NG" }).contributions).toEqual({ country_mismatch: RISK_WEIGHTS.countryMismatch });
    expect(assessRisk({ ...calm, prefixVelocity: 0.5 }).score).toBe(RISK_WEIGHTS.prefixVelocity / 2);
    expect(assessRisk({ ...calm, ipVelocity: 1 }).score).toBe(RISK_WEIGHTS.ipVelocity);
    expect(assessRisk({ ...calm, prefixFailureRatio: 1 }).score).toBe(RISK_WEIGHTS.prefixFailureRatio);
    expect(assessRisk({ ...calm, lookupFailed: true }).score).toBe(RISK_WEIGHTS.lookupFailed);
  });

  it("does not count a country mismatch when either country is unknown", () => {
    expect(assessRisk({ ...calm, requestCountry: null }).score).toBe(0);
    expect(assessRisk({ ...calm, phoneCountry: null, requestCountry: "DE" }).score).toBe(0);
  });

  it("clamps ratios and caps the total at 100", () => {
    expect(assessRisk({ ...calm, prefixVelocity: 7, ipVelocity: Number.NaN }).score).toBe(RISK_WEIGHTS.prefixVelocity);
    const everything: RiskSignals = { line: "toll_free", phoneCountry: "GB", requestCountry: "US", prefixVelocity: 1, ipVelocity: 1, prefixFailureRatio: 1, lookupFailed: true };
    expect(assessRisk(everything).score).toBe(100);
  });
});

describe("line kinds", () => {
  it.each([
    ["MOBILE", "mobile"],
    ["FIXED_LINE_OR_MOBILE", "mobile"],
    ["FIXED_LINE", "landline"],
    ["VOIP", "voip"],
    ["TOLL_FREE", "toll_free"],
    [undefined, "unknown"],
  ] as const)("libphonenumber %s is %s", (type, kind) => {
    expect(lineKindFromNumberType(type)).toBe(kind);
  });

  it.each([
    ["mobile", "mobile"],
    ["landline", "landline"],
    ["fixedVoip", "voip"],
    ["nonFixedVoip", "voip"],
    ["tollFree", "toll_free"],
    [null, "unknown"],
    ["pager", "unknown"],
  ] as const)("Twilio Lookup %s is %s", (type, kind) => {
    expect(lineKindFromLookup(type)).toBe(kind);
  });
});
