import { describe, expect, it } from "vitest";
import { globMatches } from "../../../dev/upstash/embedded/glob-match";

/** Expected matches are what Redis 7.0's KEYS answered for the same keys and patterns. */
const KEYS = ["g:a", "g:b", "g:c", "g:ab", "g:*", "g:?", "g:[", "g:]", "g:\\", "g:é", "g:-", "g:^", "g:", "gx"];

const matching = (pattern: string) => KEYS.filter((key) => globMatches(pattern, key)).sort();

describe("glob matching, as Redis's KEYS and SCAN MATCH", () => {
  it.each([
    ["*", [...KEYS].sort()],
    ["g:*", KEYS.filter((key) => key.startsWith("g:")).sort()],
    ["g:?", ["g:*", "g:-", "g:?", "g:[", "g:\\", "g:]", "g:^", "g:a", "g:b", "g:c"]],
    ["g:??", ["g:ab", "g:é"]],
    ["g:[ab]", ["g:a", "g:b"]],
    ["g:[^a]", ["g:*", "g:-", "g:?", "g:[", "g:\\", "g:]", "g:^", "g:b", "g:c"]],
    ["g:[b-a]", ["g:a", "g:b"]],
    ["g:[^a-c]", ["g:*", "g:-", "g:?", "g:[", "g:\\", "g:]", "g:^"]],
    ["g:\\*", ["g:*"]],
    ["g:\\", ["g:\\"]],
    ["g:[\\]]", ["g:]"]],
    ["g:[-]", ["g:-"]],
    ["g:[a-]", ["g:]", "g:^", "g:a"]],
    ["g:[", []],
    ["g:[a", ["g:a"]],
    ["g:[]]", []],
    ["g:[é]", []],
    ["g:é", ["g:é"]],
  ])("%s", (pattern, expected) => {
    expect(matching(pattern)).toEqual(expected);
  });

  it("matches stars against any run, including none, without runaway backtracking", () => {
    expect(globMatches("a*b*c", "abc")).toBe(true);
    expect(globMatches("a*b*c", "aXXbYYc")).toBe(true);
    expect(globMatches("a*b*c", "aXXbYY")).toBe(false);
    expect(globMatches("*".repeat(30) + "x", "a".repeat(5_000))).toBe(false);
  });
});
