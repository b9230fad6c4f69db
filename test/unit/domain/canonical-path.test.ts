import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalPath, type PathRefusal } from "../../../shared/domain/canonical-path";

function canonical(raw: string): string {
  const result = canonicalPath(raw);
  if (!result.ok) throw new Error(`${raw} was refused: ${result.error}`);
  return result.value.path;
}

function refusal(raw: string): PathRefusal | undefined {
  const result = canonicalPath(raw);
  return result.ok ? undefined : result.error;
}

describe("canonical path", () => {
  it.each([
    ["/%61dmin/x", "/admin/x"],
    ["/adm%69n/users", "/admin/users"],
    ["/%41%44%4D%49%4E/x", "/ADMIN/x"],
    ["/a%7eb%2Dc%5f", "/a~b-c_"],
    ["/caf%c3%a9", "/caf%C3%A9"],
    ["/caf\u00e9", "/caf%C3%A9"],
    ["/a b", "/a%20b"],
    ["/a|b^c[d]{e}", "/a%7Cb%5Ec%5Bd%5D%7Be%7D"],
    ["/a%7cb", "/a%7Cb"],
    ["/a%21b!c", "/a%21b!c"],
    ["/a+b%2bc", "/a+b%2Bc"],
    ["/users/a@b.com:1", "/users/a@b.com:1"],
    ["//admin//x", "/admin/x"],
    ["/a/./b/../c", "/a/c"],
    ["/admin/x/..", "/admin/"],
    ["/admin/.", "/admin/"],
    ["/admin/", "/admin/"],
    ["/a/b/../..", "/"],
    ["/", "/"],
    ["/...", "/..."],
  ])("spells %s as %s", (raw, expected) => {
    expect(canonical(raw)).toBe(expected);
  });

  it.each<[string, PathRefusal]>([
    ["/a%2fb", "encoded_delimiter"],
    ["/a%2Fb", "encoded_delimiter"],
    ["/a%5cb", "encoded_delimiter"],
    ["/public/%2e%2e/admin", "encoded_delimiter"],
    ["/a%2ejson", "encoded_delimiter"],
    ["/%2561dmin/x", "encoded_delimiter"],
    ["/admin%3fx/y", "encoded_delimiter"],
    ["/admin%23x/y", "encoded_delimiter"],
    ["/admin%3bx/y", "encoded_delimiter"],
    ["/a\\b", "backslash"],
    ["/admin;x/secret", "path_parameter"],
    ["/public/..;/admin/x", "path_parameter"],
    ["/a%00b", "control_character"],
    ["/a%0d%0ab", "control_character"],
    ["/a%7fb", "control_character"],
    ["/a%c2%85b", "control_character"],
    ["/a\tb", "control_character"],
    ["/a%zz", "malformed_escape"],
    ["/a%", "malformed_escape"],
    ["/a%4", "malformed_escape"],
    ["/a%c0%af", "invalid_utf8"],
    ["/a%c0%ae%c0%ae/admin", "invalid_utf8"],
    ["/a%e0%80%af", "invalid_utf8"],
    ["/a%ff", "invalid_utf8"],
    ["/a%ed%a0%80", "invalid_utf8"],
    ["/a\ud800", "invalid_utf8"],
    ["/../admin", "above_root"],
    ["/public/../../admin", "above_root"],
    ["/a%ef%bc%8fb", "unicode_delimiter"],
    ["/%e2%80%a5/admin", "unicode_delimiter"],
    ["/a%ef%bc%85%ef%bc%93%ef%bc%86", "unicode_delimiter"],
    ["admin", "not_absolute"],
    ["/a?b", "query_in_path"],
  ])("refuses %s (%s)", (raw, reason) => {
    expect(refusal(raw)).toBe(reason);
  });

  it("gives every reading an origin may make: as sent, decoded, plus as space, Unicode-folded", () => {
    const result = canonicalPath("/A+b%2B/%C5%BFecret/%E2%84%AAey");
    expect(result.ok && result.value.readings).toEqual([
      ["a+b%2b", "%c5%bfecret", "%e2%84%aaey"],
      ["a+b+", "\u017fecret", "\u212aey".toLowerCase()],
      ["a b+", "\u017fecret", "\u212aey".toLowerCase()],
      ["a+b+", "secret", "key"],
    ]);
  });

  it("adds the reading without a format suffix, as Rails routes /admin.json to /admin", () => {
    const result = canonicalPath("/Reports/2026.Q1/Download.tar.gz");
    expect(result.ok && result.value.readings).toEqual([
      ["reports", "2026.q1", "download.tar.gz"],
      ["reports", "2026.q1", "download"],
    ]);
    const dotfile = canonicalPath("/.env");
    expect(dotfile.ok && dotfile.value.readings).toEqual([[".env"]]);
  });

  it("gives a plain path one reading", () => {
    const result = canonicalPath("/Admin/x");
    expect(result.ok && result.value.readings).toEqual([["admin", "x"]]);
  });

  const spellingUnit = fc.oneof(
    fc.constantFrom(..."aAdDmMiInN09-._~!$&'()*+,=:@/%;\\?#| ".split("")),
    fc.constantFrom("%2e", "%2E", "%2f", "%25", "%61", "%41", "%c3%a9", "%c0%af", "%20", "%2b", "..", "./", "../", "//", "\u00e9", "\u017f"),
  );

  it("is idempotent: a canonical path is its own canonical spelling", () => {
    fc.assert(
      fc.property(fc.string({ unit: spellingUnit, maxLength: 24 }), (tail) => {
        const first = canonicalPath(`/${tail}`);
        if (!first.ok) return;
        const again = canonicalPath(first.value.path);
        expect(again.ok && again.value.path).toBe(first.value.path);
      }),
      { numRuns: 5_000 },
    );
  });

  it("forwards nothing a decoding origin would split, resolve or truncate differently", () => {
    fc.assert(
      fc.property(fc.string({ unit: spellingUnit, maxLength: 24 }), (tail) => {
        const result = canonicalPath(`/${tail}`);
        if (!result.ok) return;
        const segments = result.value.path.split("/").slice(1);
        for (const [index, segment] of segments.entries()) {
          const decoded = decodeURIComponent(segment);
          expect(decoded).not.toMatch(/[/\\;%\u0000-\u001f]/);
          expect(decoded === "." || decoded === "..").toBe(false);
          if (index < segments.length - 1) expect(decoded).not.toBe("");
        }
        expect(result.value.path).not.toMatch(/%(?![0-9A-F]{2})/);
      }),
      { numRuns: 5_000 },
    );
  });
});
