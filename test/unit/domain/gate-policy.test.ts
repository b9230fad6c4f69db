import { describe, expect, it } from "vitest";
import { DEFAULT_RULE, DEVELOPMENT_POLICY, isAmbiguousPath, matchRoute, parsePolicy } from "../../../shared/domain/gate-policy";

describe("gate policy", () => {
  const policy = parsePolicy(DEVELOPMENT_POLICY);

  it("matches the development policy of the contract", () => {
    expect(matchRoute(policy, "GET", "/public/a/b").access).toEqual({ kind: "public" });
    expect(matchRoute(policy, "GET", "/public").access).toEqual({ kind: "public" });
    expect(matchRoute(policy, "POST", "/admin/users").access).toEqual({ kind: "authenticated", roles: ["admin"] });
    expect(matchRoute(policy, "GET", "/anything")).toBe(DEFAULT_RULE);
    expect(matchRoute(policy, "GET", "/publicity")).toBe(DEFAULT_RULE);
  });

  it("ignores case, repeated and trailing slashes", () => {
    expect(matchRoute(policy, "GET", "/ADMIN/x").access).toEqual({ kind: "authenticated", roles: ["admin"] });
    expect(matchRoute(policy, "GET", "//admin//x/").access).toEqual({ kind: "authenticated", roles: ["admin"] });
  });

  it("takes the first match and respects methods and single-segment wildcards", () => {
    const rules = parsePolicy([
      { method: "GET", path: "/docs/*", access: "public" },
      { path: "/docs/*", roles: ["editor"] },
      { method: ["POST", "PUT"], path: "/orgs/*/billing", roles: ["billing"], sensitive: true },
    ]);
    expect(matchRoute(rules, "get", "/docs/x").access.kind).toBe("public");
    expect(matchRoute(rules, "POST", "/docs/x").access).toEqual({ kind: "authenticated", roles: ["editor"] });
    expect(matchRoute(rules, "PUT", "/orgs/acme/billing")).toMatchObject({ sensitive: true, access: { roles: ["billing"] } });
    expect(matchRoute(rules, "PUT", "/orgs/acme/billing/extra")).toBe(DEFAULT_RULE);
    expect(matchRoute(rules, "GET", "/orgs/acme/billing")).toBe(DEFAULT_RULE);
  });

  it.each([
    [[{ path: "no-slash" }]],
    [[{ path: "/a/**" }]],
    [[{ path: "/a", access: "public", roles: ["admin"] }]],
    [[{ path: "/a", roles: ["Admin With Spaces"] }]],
    [[{ path: "/a", method: "TRACE" }]],
    [[{ path: "/a", unknown: true }]],
    [{ path: "/a" }],
  ])("refuses an invalid policy %j at startup", (input) => {
    expect(() => parsePolicy(input)).toThrow();
  });

  it("flags paths an origin could read differently", () => {
    for (const path of ["/a%2fb", "/a%2Fb", "/a%5cb", "/a\\b", "/a%00"]) expect(isAmbiguousPath(path)).toBe(true);
    expect(isAmbiguousPath("/a/b%20c")).toBe(false);
  });
});
