import { describe, expect, it } from "vitest";
import { readFileSync } from "node:fs";
import {
  COMMON_PASSWORD_FALSE_POSITIVE_BOUND,
  commonPasswordKey,
  decodeGolombCodedSet,
  filterHash,
  isCommonPassword,
} from "../../../shared/domain/common-password-filter";
import { COMMON_PASSWORDS } from "../../../shared/domain/common-passwords";
import { FILTER_MODULE, listedKeys, renderFilterModule, SHORTEST_LISTED, sourcePasswords } from "../../../dev/password-filter/build";

/** A seeded generator (mulberry32), so the measured rate is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("the bundled common-password filter", () => {
  it("is up to date: the generator writes exactly the committed module", () => {
    expect(renderFilterModule()).toBe(readFileSync(FILTER_MODULE, "utf8"));
  });

  it(`holds every entry of ${SHORTEST_LISTED} or more characters of the source list`, () => {
    const keys = listedKeys();
    expect(keys.length).toBe(COMMON_PASSWORDS.entries);
    expect(keys.length).toBeGreaterThan(17_000);
    const missing = keys.filter((key) => !isCommonPassword(key));
    expect(missing).toEqual([]);
  });

  it("finds listed passwords in upper case too", () => {
    const keys = listedKeys().slice(0, 500);
    expect(keys.filter((key) => !isCommonPassword(key.toUpperCase()))).toEqual([]);
  });

  it("leaves out only entries shorter than the shortest minimum a tenant may set", () => {
    const listed = new Set(listedKeys());
    const left = sourcePasswords().filter((entry) => !listed.has(commonPasswordKey(entry)));
    expect(left.length).toBeGreaterThan(0);
    expect(left.every((entry) => Array.from(entry).length < SHORTEST_LISTED)).toBe(true);
  });

  it(`wrongly finds fewer than ${COMMON_PASSWORD_FALSE_POSITIVE_BOUND} of a million random strings`, () => {
    const random = seeded(20_261_202);
    const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 !#%&*+-_.";
    const listed = new Set(listedKeys());
    const trials = 1_000_000;
    let falsePositives = 0;
    for (let trial = 0; trial < trials; trial++) {
      let candidate = "";
      const length = 8 + Math.floor(random() * 12);
      for (let index = 0; index < length; index++) candidate += alphabet[Math.floor(random() * alphabet.length)] ?? "";
      if (listed.has(commonPasswordKey(candidate))) continue;
      if (isCommonPassword(candidate)) falsePositives++;
    }
    expect(falsePositives / trials).toBeLessThan(COMMON_PASSWORD_FALSE_POSITIVE_BOUND);
  });

  it("decodes to strictly ascending 32-bit hashes", () => {
    const hashes = decodeGolombCodedSet(COMMON_PASSWORDS);
    expect(hashes.length).toBe(COMMON_PASSWORDS.entries);
    expect(hashes.every((hash, index) => index === 0 || hash > (hashes[index - 1] ?? 0))).toBe(true);
  });

  it("hashes with MurmurHash3 x86 32-bit, seed 0x9747b28c (the published vectors)", () => {
    expect(filterHash("Hello, world!")).toBe(0x24884cba);
    expect(filterHash("The quick brown fox jumps over the lazy dog")).toBe(0x2fa826cd);
  });
});
