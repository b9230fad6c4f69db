import { describe, expect, it } from "vitest";
import { misfitPasskeyOrigin, originFitsRpId, passkeyRelyingParty } from "../../../shared/domain/passkey-relying-party";

describe("the passkey relying party", () => {
  it("defaults to the issuer's host and origin plus the tenant's CORS origins", () => {
    expect(passkeyRelyingParty({ passkey_rp_id: null, passkey_origins: null, cors_origins: ["https://app.auth.example.com"] }, "https://auth.example.com")).toEqual({
      rpId: "auth.example.com",
      origins: ["https://auth.example.com", "https://app.auth.example.com"],
    });
  });

  it("drops a default origin that cannot use the RP id, as a browser would refuse it", () => {
    expect(passkeyRelyingParty({ passkey_rp_id: null, passkey_origins: null, cors_origins: ["https://other.example.org"] }, "https://auth.example.com").origins).toEqual(["https://auth.example.com"]);
  });

  it("takes an origin on the RP id or a subdomain, never a look-alike suffix", () => {
    expect(originFitsRpId("https://example.com", "example.com")).toBe(true);
    expect(originFitsRpId("https://login.example.com:8443", "example.com")).toBe(true);
    expect(originFitsRpId("https://evilexample.com", "example.com")).toBe(false);
    expect(originFitsRpId("https://example.com.evil.net", "example.com")).toBe(false);
    expect(originFitsRpId("not a url", "example.com")).toBe(false);
  });

  it("names the first origin that misfits when both settings are set, and nothing otherwise", () => {
    expect(misfitPasskeyOrigin({ passkey_rp_id: "example.com", passkey_origins: ["https://a.example.com", "https://example.org"] })).toBe(1);
    expect(misfitPasskeyOrigin({ passkey_rp_id: "example.com", passkey_origins: null })).toBeNull();
    expect(misfitPasskeyOrigin({ passkey_rp_id: null, passkey_origins: ["https://example.org"] })).toBeNull();
  });
});
