import { describe, expect, it } from "vitest";
import { checkPassword, hasUntypeableCharacter, MAX_PASSWORD_LENGTH, normalizePassword } from "../../../shared/domain/password-policy";

const RULES = { minLength: 8, email: null };
/** A password on no list: long, random-looking, lower case only (no composition rules). */
const FINE = "vellum orchard quietly";

describe("the password policy (NIST SP 800-63B)", () => {
  it("accepts a long password of lower-case words and spaces: no composition rules", () => {
    expect(checkPassword(FINE, RULES)).toEqual({ ok: true, normalized: FINE });
  });

  it("accepts a password of exactly the tenant's minimum and refuses one a character shorter", () => {
    expect(checkPassword("zq7vkw3x", RULES).ok).toBe(true);
    expect(checkPassword("zq7vkw3", RULES)).toEqual({ ok: false, reason: "too_short" });
    expect(checkPassword("zq7vkw3xp4", { minLength: 10, email: null }).ok).toBe(true);
    expect(checkPassword("zq7vkw3xp", { minLength: 10, email: null })).toEqual({ ok: false, reason: "too_short" });
  });

  it("counts code points, not UTF-16 units: seven emoji (fourteen units) are too short for eight", () => {
    expect(checkPassword("🔐🦊🌵🎲🧭🪁🫖", RULES)).toEqual({ ok: false, reason: "too_short" });
    expect(checkPassword("🔐🦊🌵🎲🧭🪁🫖🪴", RULES).ok).toBe(true);
  });

  it(`accepts ${MAX_PASSWORD_LENGTH} code points and refuses ${MAX_PASSWORD_LENGTH + 1}, counting astral characters once`, () => {
    expect(checkPassword("🔐".repeat(MAX_PASSWORD_LENGTH), RULES).ok).toBe(true);
    expect(checkPassword("🔐".repeat(MAX_PASSWORD_LENGTH + 1), RULES)).toEqual({ ok: false, reason: "too_long" });
    expect(checkPassword("k".repeat(MAX_PASSWORD_LENGTH + 1), RULES)).toEqual({ ok: false, reason: "too_long" });
  });

  it("refuses a megabyte-long password as too long (a client cannot make the policy normalise it)", () => {
    expect(checkPassword("ａ".repeat(1_000_000), RULES)).toEqual({ ok: false, reason: "too_long" });
  });

  it("normalises with NFKC before counting: a ligature that expands to two letters counts as two", () => {
    // "ﬀ" (U+FB00) is one code point that NFKC writes as "ff".
    expect(checkPassword("zqvkw3ﬀ", RULES)).toEqual({ ok: true, normalized: "zqvkw3ff" });
  });

  it("returns the NFKC form to hash, so a composed and a decomposed é are one password", () => {
    const composed = checkPassword("mot de passe é vert", RULES);
    const decomposed = checkPassword("mot de passe e\u0301 vert", RULES);
    expect(composed).toEqual({ ok: true, normalized: "mot de passe é vert" });
    expect(decomposed).toEqual(composed);
    expect(normalizePassword("mot de passe e\u0301 vert")).toBe("mot de passe é vert");
  });

  it("refuses a common password from the bundled list", () => {
    expect(checkPassword("password", RULES)).toEqual({ ok: false, reason: "breached" });
    expect(checkPassword("12345678", RULES)).toEqual({ ok: false, reason: "breached" });
    expect(checkPassword("iloveyou", RULES)).toEqual({ ok: false, reason: "breached" });
  });

  it("refuses a common password dressed in capitals (the list is lower case)", () => {
    expect(checkPassword("PassWord", RULES)).toEqual({ ok: false, reason: "breached" });
    expect(checkPassword("ILOVEYOU", RULES)).toEqual({ ok: false, reason: "breached" });
  });

  it("refuses a common password dressed in full-width letters, which NFKC folds back", () => {
    expect(checkPassword("ｐａｓｓｗｏｒｄ", RULES)).toEqual({ ok: false, reason: "breached" });
  });

  it("refuses the email address as the password, in any case", () => {
    const rules = { minLength: 8, email: "Ada.Lovelace@Example.com" };
    expect(checkPassword("ada.lovelace@example.com", rules)).toEqual({ ok: false, reason: "matches_email" });
    expect(checkPassword("ADA.LOVELACE@EXAMPLE.COM", rules)).toEqual({ ok: false, reason: "matches_email" });
  });

  it("refuses the address's local part as the password, also in full-width letters", () => {
    const rules = { minLength: 8, email: "ada.lovelace@example.com" };
    expect(checkPassword("Ada.Lovelace", rules)).toEqual({ ok: false, reason: "matches_email" });
    expect(checkPassword("ａｄａ.ｌｏｖｅｌａｃｅ", rules)).toEqual({ ok: false, reason: "matches_email" });
  });

  it("allows a password that merely contains the local part, and any password when there is no address", () => {
    expect(checkPassword("ada.lovelace writes programs", { minLength: 8, email: "ada.lovelace@example.com" }).ok).toBe(true);
    expect(checkPassword("ada.lovelace", { minLength: 8, email: null }).ok).toBe(true);
  });

  it("reports length before anything else: a short common password is too short", () => {
    expect(checkPassword("123456", RULES)).toEqual({ ok: false, reason: "too_short" });
  });

  it("allows tabs, spaces and any script, and refuses only NUL and lone surrogates as untypeable", () => {
    for (const typeable of ["tab\there and there", "  leading spaces", "пароль мой длинный", "كلمة سر طويلة", "🔐🦊🌵🎲🧭🪁🫖🪴"]) {
      expect(hasUntypeableCharacter(typeable)).toBe(false);
      expect(checkPassword(typeable, RULES).ok).toBe(true);
    }
    expect(hasUntypeableCharacter("before\u0000after")).toBe(true);
    expect(hasUntypeableCharacter("lone high \uD83D here")).toBe(true);
    expect(hasUntypeableCharacter("lone low \uDD10 here")).toBe(true);
    expect(hasUntypeableCharacter("swapped \uDD10\uD83D pair")).toBe(true);
  });
});
