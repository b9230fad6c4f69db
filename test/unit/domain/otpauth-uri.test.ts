import { describe, expect, it } from "vitest";
import { otpauthUri } from "../../../shared/domain/otpauth-uri";

describe("otpauthUri", () => {
  it("writes the Key Uri Format authenticator apps read: issuer and account in the label, SHA1, 6 digits, 30 s", () => {
    expect(otpauthUri({ issuer: "Acme", account: "ada@example.com", secret: "JBSWY3DPEHPK3PXP" })).toBe(
      "otpauth://totp/Acme:ada%40example.com?secret=JBSWY3DPEHPK3PXP&issuer=Acme&algorithm=SHA1&digits=6&period=30",
    );
  });

  it("encodes a space as %20 (apps show a `+` literally) and a colon inside the issuer as %3A, so the label splits once", () => {
    const uri = otpauthUri({ issuer: "Acme: Widgets", account: "+14155550100", secret: "JBSWY3DPEHPK3PXP" });
    expect(uri).toContain("otpauth://totp/Acme%3A%20Widgets:%2B14155550100?");
    expect(uri).toContain("&issuer=Acme%3A%20Widgets&");
    expect(uri).not.toContain("+");
  });

  it("cannot be given an extra parameter or a fragment through the tenant's name or the account", () => {
    const uri = new URL(otpauthUri({ issuer: "Evil&secret=AAAA#x", account: "a?digits=8&period=60", secret: "JBSWY3DPEHPK3PXP" }));
    expect([...uri.searchParams.entries()]).toEqual([
      ["secret", "JBSWY3DPEHPK3PXP"],
      ["issuer", "Evil&secret=AAAA#x"],
      ["algorithm", "SHA1"],
      ["digits", "6"],
      ["period", "30"],
    ]);
    expect(uri.hash).toBe("");
  });
});
