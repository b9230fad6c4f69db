import { describe, expect, it } from "vitest";
import { argon2idRaw, DUMMY_PASSWORD_HASH, hashPassword, parsePasswordHash, PASSWORD_HASH_PARAMETERS, spendDummyVerification, verifyPassword } from "../../../shared/crypto/password-hash";

const hex = (bytes: Uint8Array): string => Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
const filled = (length: number, value: number): Uint8Array => new Uint8Array(length).fill(value);

/** Standard unpadded base64, as PHC strings write salts and tags. */
const b64 = (bytes: Uint8Array): string => btoa(String.fromCharCode(...bytes)).replace(/=+$/, "");

describe("Argon2id in workerd", () => {
  it("reproduces the RFC 9106 §5.3 Argon2id test vector, with secret and associated data", async () => {
    const tag = await argon2idRaw({
      password: filled(32, 0x01),
      salt: filled(16, 0x02),
      secret: filled(8, 0x03),
      ad: filled(12, 0x04),
      memorySize: 32,
      passes: 3,
      parallelism: 4,
      tagLength: 32,
    });
    expect(hex(tag)).toBe("0d640df58d78766c08c037a34a8b53c9d01ef0452d75b65eb52520e96b01e659");
  });

  it("hashes to a PHC string with the current parameters, a 16-byte salt and a 32-byte tag", async () => {
    const phc = await hashPassword("correct horse battery staple");
    expect(phc).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/);
    expect(PASSWORD_HASH_PARAMETERS).toEqual({ memoryKiB: 19_456, passes: 2, parallelism: 1 });
  });

  it("accepts the password it hashed and needs no rehash", async () => {
    const phc = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(phc, "correct horse battery staple")).toEqual({ valid: true, needsRehash: false });
  });

  it("hashes non-ASCII passwords as UTF-8 and tells them apart from their neighbours", async () => {
    const phc = await hashPassword("pässwörd 🔐 パスワード");
    expect((await verifyPassword(phc, "pässwörd 🔐 パスワード")).valid).toBe(true);
    expect((await verifyPassword(phc, "passwörd 🔐 パスワード")).valid).toBe(false);
  });

  it("refuses a wrong password, one character off, and the empty password", async () => {
    const phc = await hashPassword("correct horse battery staple");
    expect(await verifyPassword(phc, "correct horse battery stapler")).toEqual({ valid: false, needsRehash: false });
    expect((await verifyPassword(phc, "Correct horse battery staple")).valid).toBe(false);
    expect((await verifyPassword(phc, "")).valid).toBe(false);
    expect((await verifyPassword(phc, "c")).valid).toBe(false);
  });

  it("salts every hash: one password hashed twice gives two different strings that both verify", async () => {
    const [first, second] = await Promise.all([hashPassword("same password"), hashPassword("same password")]);
    expect(first).not.toBe(second);
    expect(parsePasswordHash(first)?.salt).not.toEqual(parsePasswordHash(second)?.salt);
    expect((await verifyPassword(first, "same password")).valid).toBe(true);
    expect((await verifyPassword(second, "same password")).valid).toBe(true);
  });

  it("verifies with the parameters the stored string names and asks for a rehash when they are below the current ones", async () => {
    const salt = filled(16, 0x2a);
    const weaker = await argon2idRaw({ password: new TextEncoder().encode("old password"), salt, memorySize: 4096, passes: 1, parallelism: 1, tagLength: 32 });
    const phc = `$argon2id$v=19$m=4096,t=1,p=1$${b64(salt)}$${b64(weaker)}`;
    expect(await verifyPassword(phc, "old password")).toEqual({ valid: true, needsRehash: true });
    expect(await verifyPassword(phc, "other password")).toEqual({ valid: false, needsRehash: true });
  });

  it("needs no rehash for a string above the current parameters", async () => {
    const salt = filled(16, 0x2b);
    const stronger = await argon2idRaw({ password: new TextEncoder().encode("future password"), salt, memorySize: 19_456, passes: 3, parallelism: 1, tagLength: 32 });
    expect(await verifyPassword(`$argon2id$v=19$m=19456,t=3,p=1$${b64(salt)}$${b64(stronger)}`, "future password")).toEqual({ valid: true, needsRehash: false });
  });

  it("refuses a tampered tag: the stored hash of another password never verifies", async () => {
    const phc = await hashPassword("correct horse battery staple");
    const other = await hashPassword("another password entirely");
    const spliced = `${phc.slice(0, phc.lastIndexOf("$"))}${other.slice(other.lastIndexOf("$"))}`;
    expect((await verifyPassword(spliced, "correct horse battery staple")).valid).toBe(false);
    expect((await verifyPassword(spliced, "another password entirely")).valid).toBe(false);
  });

  describe("answers valid: false, without throwing, for stored junk", () => {
    const salt = "KioqKioqKioqKioqKioqKg";
    const tag = "s/Z+k4J6b0s5vdl2bVPrHXqK3pE6tgaeCW7ZUUh4e9E";
    const junk: Record<string, string> = {
      "an empty string": "",
      "a bcrypt hash": "$2b$12$R9h/cIPz0gi.URNNX3kh2OPST9/PgBkqquzi.Ss7KIUgO2t0jWMUW",
      "argon2i, not argon2id": `$argon2i$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      "argon2d, not argon2id": `$argon2d$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      "version 16 (Argon2 1.0)": `$argon2id$v=16$m=19456,t=2,p=1$${salt}$${tag}`,
      "no version": `$argon2id$m=19456,t=2,p=1$${salt}$${tag}`,
      "parameters out of order": `$argon2id$v=19$t=2,m=19456,p=1$${salt}$${tag}`,
      "zero passes": `$argon2id$v=19$m=19456,t=0,p=1$${salt}$${tag}`,
      "zero lanes": `$argon2id$v=19$m=19456,t=2,p=0$${salt}$${tag}`,
      "memory below 8 KiB per lane": `$argon2id$v=19$m=7,t=2,p=1$${salt}$${tag}`,
      "a planted memory cost of 4 GiB (denial of service)": `$argon2id$v=19$m=4194304,t=2,p=1$${salt}$${tag}`,
      "a planted memory cost above 64 MiB": `$argon2id$v=19$m=65537,t=2,p=1$${salt}$${tag}`,
      "a planted pass count of 100 (denial of service)": `$argon2id$v=19$m=19456,t=100,p=1$${salt}$${tag}`,
      "a planted lane count of 255": `$argon2id$v=19$m=19456,t=2,p=255$${salt}$${tag}`,
      "padding in the salt": `$argon2id$v=19$m=19456,t=2,p=1$${salt}==$${tag}`,
      "base64url characters in the tag": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag.replace("/", "_")}`,
      "a non-canonical salt (unused bits set)": `$argon2id$v=19$m=19456,t=2,p=1$KioqKioqKioqKioqKioqKh$${tag}`,
      "a salt shorter than 8 bytes": `$argon2id$v=19$m=19456,t=2,p=1$KioqKioqKg$${tag}`,
      "a missing tag": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$`,
      "a trailing field": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag}$extra`,
      "a trailing newline": `$argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag}\n`,
      "a leading space": ` $argon2id$v=19$m=19456,t=2,p=1$${salt}$${tag}`,
      "leading zeros in a parameter": `$argon2id$v=19$m=019456,t=2,p=1$${salt}$${tag}`,
    };
    it.each(Object.entries(junk))("%s", async (_name, phc) => {
      await expect(verifyPassword(phc, "correct horse battery staple")).resolves.toEqual({ valid: false, needsRehash: false });
    });
  });

  it("verifies unknown accounts against a well-formed hash at the current parameters, which no password matches", async () => {
    const parsed = parsePasswordHash(DUMMY_PASSWORD_HASH);
    expect(parsed).not.toBeNull();
    expect({ memoryKiB: parsed?.memoryKiB, passes: parsed?.passes, parallelism: parsed?.parallelism }).toEqual(PASSWORD_HASH_PARAMETERS);
    expect(parsed?.salt.length).toBe(16);
    expect(parsed?.tag.length).toBe(32);
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "correct horse battery staple")).toEqual({ valid: false, needsRehash: false });
    expect(await verifyPassword(DUMMY_PASSWORD_HASH, "")).toEqual({ valid: false, needsRehash: false });
  });

  it("runs the dummy verification for any password, empty and one byte included, without throwing", async () => {
    await expect(spendDummyVerification("correct horse battery staple")).resolves.toBeUndefined();
    await expect(spendDummyVerification("")).resolves.toBeUndefined();
    await expect(spendDummyVerification("\u0001")).resolves.toBeUndefined();
  });
});
