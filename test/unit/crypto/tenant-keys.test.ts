import { describe, expect, it } from "vitest";
import { API_KEY_PREFIX, SECRET_KEY_PREFIX, newApiKey, newRefreshToken, newSecretKey } from "../../../shared/crypto/tenant-keys";

const BASE32 = "[0-9a-hjkmnp-tv-z]";

describe("tenant keys", () => {
  it("publishable keys are pk_ and 32 base32 characters (160 random bits)", () => {
    expect(API_KEY_PREFIX).toBe("pk_");
    expect(newApiKey()).toMatch(new RegExp(`^pk_${BASE32}{32}$`));
  });

  it("secret keys are sk_ and 40 base32 characters (200 random bits)", () => {
    expect(SECRET_KEY_PREFIX).toBe("sk_");
    expect(newSecretKey()).toMatch(new RegExp(`^sk_${BASE32}{40}$`));
  });

  it("refresh tokens are rt_ and 52 base32 characters (260 bits, at least the 256 promised)", () => {
    expect(newRefreshToken()).toMatch(new RegExp(`^rt_${BASE32}{52}$`));
  });

  it("a publishable key can never be mistaken for a secret key or a refresh token", () => {
    const kinds = [newApiKey(), newSecretKey(), newRefreshToken()].map((key) => key.slice(0, 3));
    expect(new Set(kinds).size).toBe(3);
  });

  it.each([
    ["publishable keys", newApiKey],
    ["secret keys", newSecretKey],
    ["refresh tokens", newRefreshToken],
  ])("%s do not repeat", (_, generate) => {
    const keys = new Set(Array.from({ length: 5_000 }, generate));
    expect(keys.size).toBe(5_000);
  });

  it("spread over the whole alphabet at every position (no stuck characters)", () => {
    // 2,000 keys: each of 32 symbols is missing from a given position with probability (31/32)^2000 ≈ 3e-28.
    const keys = Array.from({ length: 2_000 }, () => newSecretKey().slice(SECRET_KEY_PREFIX.length));
    for (let position = 0; position < 40; position++) {
      expect(new Set(keys.map((key) => key[position])).size).toBe(32);
    }
  });
});
