import { describe, expect, it } from "vitest";
import { queryInteger } from "../../../shared/http/query-input";

describe("queryInteger", () => {
  const limit = queryInteger(1, 100);

  it("reads plain decimal digits within the range", () => {
    expect(limit.safeParse("1").data).toBe(1);
    expect(limit.safeParse("100").data).toBe(100);
    expect(limit.safeParse("007").data).toBe(7);
  });

  it.each(["", "0", "101", "-1", "+5", " 5", "5 ", "1e1", "0x10", "5.0", "1.5", "NaN", "Infinity", "٥", "５", "9".repeat(400)])("refuses %j", (text) => {
    expect(limit.safeParse(text).success).toBe(false);
  });
});
