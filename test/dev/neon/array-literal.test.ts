import { describe, expect, it } from "vitest";
import { parseArrayLiteral } from "../../../dev/neon/array-literal";

describe("parseArrayLiteral", () => {
  it("reads unquoted, quoted and NULL elements", () => {
    expect(parseArrayLiteral('{1,NULL,"NULL","a \\"b\\" \\\\ c","x,y",""}')).toEqual(["1", null, "NULL", 'a "b" \\ c', "x,y", ""]);
  });

  it("reads nested arrays and drops bounds decoration", () => {
    expect(parseArrayLiteral("[1:1][-2:-1][3:5]={{{1,2,3},{4,5,6}}}")).toEqual([
      [
        ["1", "2", "3"],
        ["4", "5", "6"],
      ],
    ]);
  });

  it("reads an empty array as an empty list", () => {
    expect(parseArrayLiteral("{}")).toEqual([]);
  });

  it("refuses unbalanced text", () => {
    expect(() => parseArrayLiteral("{1,2")).toThrow("unbalanced array");
    expect(() => parseArrayLiteral('{"abc}')).toThrow("unbalanced quoted string");
    expect(() => parseArrayLiteral("{1}}")).toThrow("unbalanced array");
  });
});
