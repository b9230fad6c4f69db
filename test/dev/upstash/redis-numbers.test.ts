import { describe, expect, it } from "vitest";
import { formatDouble, parseDouble, parseInteger, parseScoreBound } from "../../../dev/upstash/embedded/redis-numbers";

describe("Redis number rules", () => {
  it("reads only canonical 64-bit integers", () => {
    expect(parseInteger("0")).toBe(0n);
    expect(parseInteger("-42")).toBe(-42n);
    expect(parseInteger("9223372036854775807")).toBe(9223372036854775807n);
    expect(parseInteger("-9223372036854775808")).toBe(-9223372036854775808n);
    for (const text of ["9223372036854775808", "+1", " 1", "1 ", "01", "-0", "", "1.0", "1e3", "0x10"]) expect(parseInteger(text)).toBeUndefined();
  });

  it("reads floats as strtod does for ZADD, refusing space, NaN and out-of-range values", () => {
    expect(parseDouble("1.5")).toBe(1.5);
    expect(parseDouble(".5")).toBe(0.5);
    expect(parseDouble("+2.")).toBe(2);
    expect(parseDouble("1e3")).toBe(1000);
    expect(parseDouble("-inf")).toBe(-Infinity);
    expect(parseDouble("+Infinity")).toBe(Infinity);
    for (const text of ["", " 1", "1 ", "nan", "1e400", "1e-400", "abc", "1e", "inf1"]) expect(parseDouble(text)).toBeUndefined();
  });

  it("reads score bounds leniently, with ( for exclusive", () => {
    expect(parseScoreBound("(1.5")).toEqual({ value: 1.5, exclusive: true });
    expect(parseScoreBound("+inf")).toEqual({ value: Infinity, exclusive: false });
    expect(parseScoreBound(" 3")).toEqual({ value: 3, exclusive: false });
    expect(parseScoreBound("")).toEqual({ value: 0, exclusive: false });
    expect(parseScoreBound("(")).toEqual({ value: 0, exclusive: true });
    expect(parseScoreBound("1e400")).toEqual({ value: Infinity, exclusive: false });
    for (const text of ["a", "1 ", "  ", "nan", "((1"]) expect(parseScoreBound(text)).toBeUndefined();
  });

  it("prints doubles in %.17g's layout with the shortest digits that read back", () => {
    expect(formatDouble(1.5)).toBe("1.5");
    expect(formatDouble(0.1)).toBe("0.1");
    expect(formatDouble(-2.25)).toBe("-2.25");
    expect(formatDouble(1700000000000)).toBe("1700000000000");
    expect(formatDouble(1e16)).toBe("10000000000000000");
    expect(formatDouble(1e17)).toBe("1e+17");
    expect(formatDouble(123456789012345678)).toBe("1.2345678901234568e+17");
    expect(formatDouble(0.0001)).toBe("0.0001");
    expect(formatDouble(0.00001)).toBe("1e-05");
    expect(formatDouble(-0)).toBe("0");
    expect(formatDouble(Infinity)).toBe("inf");
    expect(formatDouble(-Infinity)).toBe("-inf");
    for (const value of [0.1, 1 / 3, 5e-324, 1.7976931348623157e308, -123.456]) expect(Number(formatDouble(value))).toBe(value);
  });
});
