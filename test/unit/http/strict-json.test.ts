import { describe, expect, it } from "vitest";
import { MAX_JSON_DEPTH, parseStrictJson } from "../../../shared/http/strict-json";

describe("parseStrictJson", () => {
  it("parses what JSON.parse parses", () => {
    const text = '{"a":[1,-2.5e3,true,false,null,"x\\u00e9\\n"],"b":{"c":{}},"d":[]}';
    const result = parseStrictJson(text);
    expect(result).toEqual({ ok: true, value: JSON.parse(text) });
  });

  it("refuses a duplicate key, which JSON.parse would resolve silently", () => {
    const result = parseStrictJson('{"phone":"+441","phone":"+442"}');
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error).toContain("duplicate key");
  });

  it("refuses duplicate keys in nested objects", () => {
    expect(parseStrictJson('{"a":{"b":1,"b":2}}').ok).toBe(false);
  });

  it("keeps __proto__ and constructor as plain data, never as a prototype", () => {
    const result = parseStrictJson('{"__proto__":{"admin":true},"constructor":{"prototype":{"x":1}}}');
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    const value = result.value as Record<string, unknown>;
    expect(Object.getPrototypeOf(value)).toBeNull();
    expect(Object.keys(value)).toEqual(["__proto__", "constructor"]);
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
  });

  it(`refuses nesting deeper than ${MAX_JSON_DEPTH} levels`, () => {
    expect(parseStrictJson("[".repeat(MAX_JSON_DEPTH) + "]".repeat(MAX_JSON_DEPTH)).ok).toBe(true);
    expect(parseStrictJson("[".repeat(MAX_JSON_DEPTH + 2) + "]".repeat(MAX_JSON_DEPTH + 2)).ok).toBe(false);
    expect(parseStrictJson("[".repeat(100_000)).ok).toBe(false);
  });

  it.each([
    ["empty", ""],
    ["trailing comma in object", '{"a":1,}'],
    ["trailing comma in array", "[1,]"],
    ["single quotes", "{'a':1}"],
    ["unquoted key", "{a:1}"],
    ["leading zero", "[01]"],
    ["NaN", "[NaN]"],
    ["Infinity", "[Infinity]"],
    ["huge exponent", "[1e999]"],
    ["raw control character", '["a\u0001"]'],
    ["bad escape", '["\\x41"]'],
    ["short unicode escape", '["\\u12"]'],
    ["two values", "{} {}"],
    ["comment", '{"a":1} // no'],
    ["unterminated string", '{"a":"b'],
    ["missing colon", '{"a" 1}'],
  ])("refuses %s", (_name, text) => {
    expect(parseStrictJson(text).ok).toBe(false);
  });

  it("accepts surrounding whitespace", () => {
    expect(parseStrictJson(' \n\t{"a":1}\r\n ')).toEqual({ ok: true, value: { a: 1 } });
  });
});
