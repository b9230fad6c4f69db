import { describe, expect, it } from "vitest";
import { canonicalJson, IDEMPOTENCY_CLAIM_SECONDS, IDEMPOTENCY_RECORD_SECONDS, isValidIdempotencyKey } from "../../../shared/domain/idempotency";
import { parseStrictJson, type JsonValue } from "../../../shared/http/strict-json";

function parsed(text: string): JsonValue {
  const result = parseStrictJson(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("isValidIdempotencyKey", () => {
  it("accepts 1 to 255 visible ASCII characters", () => {
    expect(isValidIdempotencyKey("a")).toBe(true);
    expect(isValidIdempotencyKey("!".repeat(255))).toBe(true);
    expect(isValidIdempotencyKey("0b6e1f3a-5d2c-4f1e-9a7b-2c3d4e5f6a7b")).toBe(true);
    expect(isValidIdempotencyKey("~}|{`_^]\\[@?>=<;:/.-,+*)('&%$#\"!")).toBe(true);
  });

  it.each([
    ["empty", ""],
    ["256 characters", "a".repeat(256)],
    ["a space", "a b"],
    ["a tab", "a\tb"],
    ["a line break (header injection)", "a\r\nSet-Cookie: x=1"],
    ["NUL", "a\u0000b"],
    ["DEL", "a\u007f"],
    ["Latin-1", "cl\u00e9"],
    ["an emoji", "key-\u{1f511}"],
  ])("refuses %s", (_label, key) => {
    expect(isValidIdempotencyKey(key)).toBe(false);
  });
});

describe("canonicalJson", () => {
  it("gives equal values one text whatever their key order and whitespace", () => {
    expect(canonicalJson(parsed('{"b": 1, "a": {"d": [1, {"y": 2, "x": 1}], "c": null}}'))).toBe('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}');
    expect(canonicalJson(parsed('{"a":{"c":null,"d":[1,{"x":1,"y":2}]},"b":1}'))).toBe(canonicalJson(parsed('{ "b":1,\n"a":{ "d":[1,{"y":2,"x":1}],"c":null } }')));
  });

  it("keeps array order, types and string escapes significant", () => {
    expect(canonicalJson(parsed("[1,2]"))).not.toBe(canonicalJson(parsed("[2,1]")));
    expect(canonicalJson(parsed('{"a":"1"}'))).not.toBe(canonicalJson(parsed('{"a":1}')));
    expect(canonicalJson(parsed('{"a":"x\\"y"}'))).toBe('{"a":"x\\"y"}');
    expect(canonicalJson(parsed('{"__proto__":1}'))).toBe('{"__proto__":1}');
  });

  it("writes equal numbers alike", () => {
    expect(canonicalJson(parsed("[1.0, 1e2, -0.5]"))).toBe(canonicalJson(parsed("[1, 100, -5e-1]")));
  });
});

describe("lifetimes", () => {
  it("remembers a key for 24 hours and treats a claim as abandoned after 60 seconds", () => {
    expect(IDEMPOTENCY_RECORD_SECONDS).toBe(86_400);
    expect(IDEMPOTENCY_CLAIM_SECONDS).toBe(60);
  });
});
