import { describe, expect, it } from "vitest";
import { isId, newId, randomBase32 } from "../../../shared/crypto/ids";

describe("newId", () => {
  it("carries its type prefix and 26 base32 characters (130 random bits, over the 96 the contract asks)", () => {
    const id = newId("usr");
    expect(id).toMatch(/^usr_[0-9a-hjkmnp-tv-z]{26}$/);
    expect(isId("usr", id)).toBe(true);
    expect(isId("ses", id)).toBe(false);
  });

  it("does not repeat", () => {
    const ids = new Set(Array.from({ length: 10_000 }, () => newId("evt")));
    expect(ids.size).toBe(10_000);
  });

  it("uses every symbol of the alphabet about equally (no modulo bias)", () => {
    const counts = new Map<string, number>();
    const sample = randomBase32(64_000);
    for (const char of sample) counts.set(char, (counts.get(char) ?? 0) + 1);
    expect(counts.size).toBe(32);
    // Expected 2000 each; a biased mapping would push some symbols far outside this band.
    for (const count of counts.values()) expect(count).toBeGreaterThan(1700);
    for (const count of counts.values()) expect(count).toBeLessThan(2300);
  });
});

describe("short ids, drawn from a pool of CSPRNG bytes", () => {
  it("use every symbol about equally across many refills of the pool, and never hand the same bytes out twice", () => {
    const counts = new Map<string, number>();
    const seen = new Set<string>();
    for (let index = 0; index < 2_500; index += 1) {
      const draw = randomBase32(26);
      seen.add(draw);
      for (const char of draw) counts.set(char, (counts.get(char) ?? 0) + 1);
    }
    expect(seen.size).toBe(2_500);
    expect(counts.size).toBe(32);
    // 65,000 symbols: about 2,031 each.
    for (const count of counts.values()) expect(count).toBeGreaterThan(1_750);
    for (const count of counts.values()) expect(count).toBeLessThan(2_320);
  });
});

describe("isId", () => {
  it.each(["usr_", "usr_short", `usr_${"i".repeat(26)}`, `USR_${"a".repeat(26)}`, `usr_${"a".repeat(27)}`])("refuses %s", (value) => {
    expect(isId("usr", value)).toBe(false);
  });
});
