import { describe, expect, it } from "vitest";
import {
  newRecoveryCodes,
  normalizeRecoveryCode,
  RECOVERY_CODE_ALPHABET,
  RECOVERY_CODE_COUNT,
  recoveryCodeEntropyBits,
  recoveryCodeHash,
} from "../../../shared/crypto/recovery-codes";

const CODE_FORMAT = /^[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}-[2-9a-hjkmnp-z]{4}$/;

describe("recovery codes", () => {
  it("come ten to a set, each readable as xxxx-xxxx-xxxx", () => {
    const codes = newRecoveryCodes();
    expect(RECOVERY_CODE_COUNT).toBe(10);
    expect(codes).toHaveLength(10);
    for (const code of codes) expect(code).toMatch(CODE_FORMAT);
  });

  it("carry at least 50 bits of entropy each", () => {
    expect(RECOVERY_CODE_ALPHABET).toHaveLength(31);
    expect(recoveryCodeEntropyBits()).toBeGreaterThanOrEqual(50);
  });

  it("never use the look-alike characters 0, o, 1, i or l", () => {
    for (const ambiguous of ["0", "o", "1", "i", "l"]) expect(RECOVERY_CODE_ALPHABET).not.toContain(ambiguous);
    const symbols = newRecoveryCodes().concat(...Array.from({ length: 200 }, newRecoveryCodes)).join("");
    expect(symbols).not.toMatch(/[01oil]/);
  });

  it("use every symbol and favour none (no modulo bias towards the first symbols of the alphabet)", () => {
    // A plain `byte % 31` gives the first 8 symbols 9 of 256 byte values each instead of 256/31,
    // so together 28.1% of all symbols instead of 25.8%. Over 240,000 symbols that is ~5,570
    // more than chance, ~26 standard deviations (sd ~214); the bound is 8 standard deviations,
    // which a fair generator exceeds with a probability far below 1e-12.
    const counts = new Map<string, number>();
    let total = 0;
    for (let round = 0; round < 2_000; round++) {
      for (const symbol of newRecoveryCodes().join("").replace(/-/g, "")) {
        counts.set(symbol, (counts.get(symbol) ?? 0) + 1);
        total++;
      }
    }
    expect([...counts.keys()].sort().join("")).toBe(RECOVERY_CODE_ALPHABET);
    const share = 8 / 31;
    const firstEight = Array.from(RECOVERY_CODE_ALPHABET.slice(0, 8)).reduce((sum, symbol) => sum + (counts.get(symbol) ?? 0), 0);
    expect(Math.abs(firstEight - total * share)).toBeLessThan(8 * Math.sqrt(total * share * (1 - share)));
  });

  it("are not repeated within or across sets", () => {
    const all = Array.from({ length: 500 }, newRecoveryCodes).flat();
    expect(new Set(all).size).toBe(all.length);
  });
});

describe("normalizeRecoveryCode", () => {
  it("ignores case, spaces and dashes as a person types them", () => {
    const [code = ""] = newRecoveryCodes();
    const canonical = code.replace(/-/g, "");
    expect(normalizeRecoveryCode(code)).toBe(canonical);
    expect(normalizeRecoveryCode(code.toUpperCase())).toBe(canonical);
    expect(normalizeRecoveryCode(` ${canonical.slice(0, 6)} ${canonical.slice(6)}\t`)).toBe(canonical);
    expect(normalizeRecoveryCode(code.replace(/-/g, "--"))).toBe(canonical);
  });

  it("refuses what cannot be a code: wrong length, look-alikes, other characters", () => {
    for (const bad of ["", "abcd-efgh-jkm", "abcd-efgh-jkmnp", "abcd-efgh-jk0n", "abcd-efgh-jkOn", "abcd_efgh_jkmn", "abcd-efgh-jkm\u0131", "ａbcd-efgh-jkmn"]) {
      expect(normalizeRecoveryCode(bad)).toBeNull();
    }
  });
});

describe("recoveryCodeHash", () => {
  it("is keyed: the same code under another server secret hashes differently", async () => {
    expect(await recoveryCodeHash("secret-a", "usr_1", "abcdefghjkmn")).not.toBe(await recoveryCodeHash("secret-b", "usr_1", "abcdefghjkmn"));
  });

  it("binds the user: one user's code is not another's", async () => {
    expect(await recoveryCodeHash("secret", "usr_1", "abcdefghjkmn")).not.toBe(await recoveryCodeHash("secret", "usr_2", "abcdefghjkmn"));
  });

  it("is a hex digest that does not contain the code", async () => {
    const hash = await recoveryCodeHash("secret", "usr_1", "abcdefghjkmn");
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(hash).not.toContain("abcdefghjkmn");
  });
});
