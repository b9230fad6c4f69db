import { describe, expect, it } from "vitest";
import { parseEmailAddress } from "../../../shared/domain/email-address";

const accepted = (input: string) => parseEmailAddress(input).ok;

describe("parseEmailAddress", () => {
  it.each([
    "alice@example.com",
    "Alice.Smith+news@Example.COM",
    "o'brien@example.ie",
    "x@sub.domain.example.co.uk",
    "user_name-1@xn--bcher-kva.example",
    "jörg@bücher.example",
    "用户@例子.广告",
    "a!#$%&*/=?^`{|}~@example.org",
  ])("accepts %s", (input) => {
    expect(accepted(input)).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["no @", "alice.example.com"],
    ["no local part", "@example.com"],
    ["no domain", "alice@"],
    ["a single-label host", "alice@localhost"],
    ["an IP literal", "alice@[127.0.0.1]"],
    ["a numeric top-level label", "alice@1.2.3.4"],
    ["two @", "alice@evil.com@example.com"],
    ["a leading dot", ".alice@example.com"],
    ["a trailing dot in the local part", "alice.@example.com"],
    ["two dots in a row", "al..ice@example.com"],
    ["a quoted local part", '"alice smith"@example.com'],
    ["a space inside", "alice smith@example.com"],
    ["a CRLF header injection", "alice@example.com\r\nBcc: victim@example.com"],
    ["a NUL", "alice\u0000@example.com"],
    ["a zero-width joiner", "ali\u200dce@example.com"],
    ["a comment", "alice(comment)@example.com"],
    ["a label starting with a hyphen", "alice@-example.com"],
    ["a trailing dot in the domain", "alice@example.com."],
    ["a path in the domain", "alice@example.com/evil"],
    ["a port", "alice@example.com:25"],
    ["a 65-octet local part", `${"a".repeat(65)}@example.com`],
    ["a 64-character label", `alice@${"a".repeat(64)}.com`],
    ["over 254 octets", `${"a".repeat(60)}@${"b".repeat(60)}.${"c".repeat(60)}.${"d".repeat(60)}.${"e".repeat(10)}.com`],
  ])("refuses %s", (_, input) => {
    expect(accepted(input)).toBe(false);
  });

  it("keeps the address as given but compares it case-insensitively", () => {
    const parsed = parseEmailAddress("  Alice.Smith@Example.COM ");
    expect(parsed).toEqual({ ok: true, value: { address: "Alice.Smith@Example.COM", key: "alice.smith@example.com", asciiDomain: "example.com" } });
  });

  it("gives an internationalised domain in ASCII for audit and providers", () => {
    const parsed = parseEmailAddress("jörg@Bücher.example");
    expect(parsed.ok && parsed.value.asciiDomain).toBe("xn--bcher-kva.example");
  });

  it("composes and decomposed spellings of one address to the same key", () => {
    const composed = parseEmailAddress("jos\u00e9@example.com");
    const decomposed = parseEmailAddress("jose\u0301@example.com");
    expect(composed.ok && decomposed.ok && composed.value.key === decomposed.value.key).toBe(true);
  });
});
