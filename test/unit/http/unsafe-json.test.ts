import { describe, expect, it } from "vitest";
import { parseStrictJson, type JsonValue } from "../../../shared/http/strict-json";
import { findUnsafeJson } from "../../../shared/http/unsafe-json";

function parsed(text: string): JsonValue {
  const result = parseStrictJson(text);
  if (!result.ok) throw new Error(result.error);
  return result.value;
}

describe("findUnsafeJson", () => {
  it("passes ordinary bodies, astral characters and properly paired surrogates included", () => {
    expect(findUnsafeJson(parsed('{"name":"Acme 😀 \\ud83d\\ude00","metadata":{"a":[1,"é",null,{"b":true}]}}'))).toBeNull();
  });

  it.each([
    ["__proto__", '{"__proto__":{"admin":true}}', "__proto__"],
    ["constructor", '{"metadata":{"constructor":{"prototype":{}}}}', "metadata.constructor"],
    ["prototype", '{"a":[{"prototype":1}]}', "a.0.prototype"],
  ])("names a %s key wherever it is", (_name, text, field) => {
    expect(findUnsafeJson(parsed(text))).toEqual({ field, problem: "prototype_key" });
  });

  it.each([
    ["U+0000 in a value", '{"name":"Ac\\u0000me"}', "name"],
    ["a lone high surrogate", '{"a":{"b":"x\\ud800"}}', "a.b"],
    ["a lone low surrogate", '{"a":["\\udc00y"]}', "a.0"],
    ["a reversed pair", '{"a":"\\ude00\\ud83d"}', "a"],
    ["U+0000 in a key", '{"metadata":{"k\\u0000":1}}', "metadata.k?"],
    ["a whole-body string", '"\\u0000"', "body"],
  ])("refuses %s, which Postgres cannot store", (_name, text, field) => {
    expect(findUnsafeJson(parsed(text))).toEqual({ field, problem: "unstorable_text" });
  });
});
