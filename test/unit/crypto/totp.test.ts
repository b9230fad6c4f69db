import { describe, expect, it } from "vitest";
import { decodeTotpSecret, newTotpSecret, TOTP_PERIOD_SECONDS, totpCode, totpStep, verifyTotp } from "../../../shared/crypto/totp";

/** RFC 6238 Appendix B: the SHA-1 seed is the ASCII string "12345678901234567890". */
const RFC_SEED = new TextEncoder().encode("12345678901234567890");

/** RFC 6238 Appendix B, the SHA-1 column: Unix time in seconds → the 8-digit TOTP. */
const RFC_SHA1_VECTORS: readonly (readonly [seconds: number, code: string])[] = [
  [59, "94287082"],
  [1111111109, "07081804"],
  [1111111111, "14050471"],
  [1234567890, "89005924"],
  [2000000000, "69279037"],
  [20000000000, "65353130"],
];

const at = (seconds: number) => new Date(seconds * 1000);

describe("totpCode", () => {
  it.each(RFC_SHA1_VECTORS)("gives the RFC 6238 Appendix B SHA-1 code at T=%i", async (seconds, code) => {
    expect(await totpCode(RFC_SEED, totpStep(at(seconds)), 8)).toBe(code);
  });

  it("gives six digits by default, the last six of the eight-digit code (RFC 4226 truncation)", async () => {
    expect(await totpCode(RFC_SEED, totpStep(at(59)))).toBe("287082");
    expect(await totpCode(RFC_SEED, totpStep(at(1111111109)))).toBe("081804");
  });

  it("refuses digit counts an authenticator cannot show and steps that are not whole", async () => {
    await expect(totpCode(RFC_SEED, 1, 5)).rejects.toThrow(RangeError);
    await expect(totpCode(RFC_SEED, 1, 11)).rejects.toThrow(RangeError);
    await expect(totpCode(RFC_SEED, 1.5)).rejects.toThrow(RangeError);
    await expect(totpCode(RFC_SEED, -1)).rejects.toThrow(RangeError);
  });
});

describe("totpStep", () => {
  it("counts 30-second steps from the Unix epoch", () => {
    expect(TOTP_PERIOD_SECONDS).toBe(30);
    expect(totpStep(at(59))).toBe(1);
    expect(totpStep(at(60))).toBe(2);
    expect(totpStep(new Date(89_999))).toBe(2);
    expect(totpStep(at(1111111109))).toBe(0x23523ec);
  });
});

describe("verifyTotp", () => {
  const now = at(1234567890);
  const step = totpStep(now);

  it("returns the step of the current code", async () => {
    expect(await verifyTotp(RFC_SEED, await totpCode(RFC_SEED, step), now)).toBe(step);
  });

  it("accepts the previous and the next step's codes and says which step they were", async () => {
    expect(await verifyTotp(RFC_SEED, await totpCode(RFC_SEED, step - 1), now)).toBe(step - 1);
    expect(await verifyTotp(RFC_SEED, await totpCode(RFC_SEED, step + 1), now)).toBe(step + 1);
  });

  it("refuses a code two steps old or two steps ahead (an old code read off a screen)", async () => {
    expect(await verifyTotp(RFC_SEED, await totpCode(RFC_SEED, step - 2), now)).toBeNull();
    expect(await verifyTotp(RFC_SEED, await totpCode(RFC_SEED, step + 2), now)).toBeNull();
  });

  it("refuses a code made with another secret", async () => {
    const other = new TextEncoder().encode("09876543210987654321");
    expect(await verifyTotp(RFC_SEED, await totpCode(other, step), now)).toBeNull();
  });

  it("refuses the right digits with extra characters, a prefix of the code, and an empty code", async () => {
    const code = await totpCode(RFC_SEED, step);
    for (const tampered of [`${code} `, ` ${code}`, `${code}0`, code.slice(0, 5), "", `+${code.slice(1)}`]) {
      expect(await verifyTotp(RFC_SEED, tampered, now)).toBeNull();
    }
  });
});

describe("TOTP secrets", () => {
  it("are 20 random bytes in unpadded upper-case RFC 4648 base32 (32 characters)", () => {
    const secret = newTotpSecret();
    expect(secret).toMatch(/^[A-Z2-7]{32}$/);
    expect(decodeTotpSecret(secret)).toHaveLength(20);
  });

  it("are never repeated", () => {
    const secrets = new Set(Array.from({ length: 1_000 }, newTotpSecret));
    expect(secrets.size).toBe(1_000);
  });

  it("decode whatever case, spaces and padding a person copied them with, to the same bytes", () => {
    const secret = newTotpSecret();
    const bytes = decodeTotpSecret(secret);
    const spaced = secret.toLowerCase().replace(/(.{4})/g, "$1 ");
    expect(decodeTotpSecret(spaced)).toEqual(bytes);
    // RFC 4648 §6 example: "foobar" is MZXW6YTBOI======.
    expect(new TextDecoder().decode(decodeTotpSecret("MZXW6YTBOI======") ?? new Uint8Array())).toBe("foobar");
  });

  it("refuse text that is not base32 instead of decoding it to something", () => {
    for (const bad of ["", "   ", "MZXW6YTB0I", "MZXW6YTBOI!", "MZXW=6YTBOI", "18"]) expect(decodeTotpSecret(bad)).toBeNull();
  });
});
