import { describe, expect, it } from "vitest";
import { verificationSmsText } from "../../../shared/domain/sms-text";

describe("verificationSmsText", () => {
  it("words the message exactly as the contract does", () => {
    expect(verificationSmsText("Acme Bank", "042137", 10)).toBe("Your Acme Bank verification code is: 042137. Expires in 10 minutes.");
  });

  it("keeps the code's leading zeros and full length", () => {
    expect(verificationSmsText("Acme", "0000000007", 60)).toBe("Your Acme verification code is: 0000000007. Expires in 60 minutes.");
  });

  it("keeps the contract's fixed wording even for one minute", () => {
    // docs/api.md fixes "Expires in {n} minutes."; clients and tests match on it.
    expect(verificationSmsText("Acme", "1234", 1)).toBe("Your Acme verification code is: 1234. Expires in 1 minutes.");
  });

  it("inserts the branding verbatim", () => {
    expect(verificationSmsText("Café $1 & Co", "123456", 5)).toBe("Your Café $1 & Co verification code is: 123456. Expires in 5 minutes.");
  });
});
