import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../../shared/domain/canonical-path";
import { DEFAULT_RULE, DEVELOPMENT_POLICY, MAX_SIGN_IN_AGE_SECONDS, parsePolicy, POLICY_METHODS, routeFor, type GatePolicy, type RouteRule } from "../../../shared/domain/gate-policy";

/** The rule the gate applies to a request, or "refused" when the path cannot be decided on. */
function matchRoute(policy: GatePolicy, method: string, raw: string): RouteRule | "refused" {
  const path = canonicalPath(raw);
  if (!path.ok) return "refused";
  const route = routeFor(policy, method, path.value);
  return route.ok ? route.value : "refused";
}

function access(policy: GatePolicy, method: string, raw: string): RouteRule["access"] | "refused" {
  const rule = matchRoute(policy, method, raw);
  return rule === "refused" ? rule : rule.access;
}

describe("gate policy", () => {
  const policy = parsePolicy(DEVELOPMENT_POLICY);
  /** The development policy's admin rule: the role, and a sign-in with two factors. */
  const ADMIN = { kind: "authenticated", roles: ["admin"], signIn: { mfa: true } };
  const ADMIN_ROLE_ONLY = { kind: "authenticated", roles: ["admin"], signIn: null };

  it("matches the development policy of the contract", () => {
    expect(access(policy, "GET", "/public/a/b")).toEqual({ kind: "public" });
    expect(access(policy, "GET", "/public")).toEqual({ kind: "public" });
    expect(access(policy, "POST", "/admin/users")).toEqual(ADMIN);
    expect(matchRoute(policy, "GET", "/anything")).toBe(DEFAULT_RULE);
    expect(matchRoute(policy, "GET", "/publicity")).toBe(DEFAULT_RULE);
  });

  it("ignores case, repeated and trailing slashes", () => {
    expect(access(policy, "GET", "/ADMIN/x")).toEqual(ADMIN);
    expect(access(policy, "GET", "//admin//x/")).toEqual(ADMIN);
  });

  it("takes the first match and respects methods and single-segment wildcards", () => {
    const rules = parsePolicy([
      { method: "GET", path: "/docs/*", access: "public" },
      { path: "/docs/*", roles: ["editor"] },
      { method: ["POST", "PUT"], path: "/orgs/*/billing", roles: ["billing"], sensitive: true },
    ]);
    expect(access(rules, "GET", "/docs/x")).toEqual({ kind: "public" });
    expect(access(rules, "POST", "/docs/x")).toEqual({ kind: "authenticated", roles: ["editor"], signIn: null });
    expect(matchRoute(rules, "PUT", "/orgs/acme/billing")).toMatchObject({ sensitive: true, access: { roles: ["billing"] } });
    expect(matchRoute(rules, "PUT", "/orgs/acme/billing/extra")).toBe(DEFAULT_RULE);
    expect(matchRoute(rules, "GET", "/orgs/acme/billing")).toBe(DEFAULT_RULE);
  });

  it("applies the rules for GET to HEAD, which origins run as GET", () => {
    const rules = parsePolicy([
      { method: "GET", path: "/admin/*", roles: ["admin"] },
      { method: "HEAD", path: "/probe", access: "public" },
    ]);
    expect(access(rules, "HEAD", "/admin/export")).toEqual(ADMIN_ROLE_ONLY);
    expect(access(rules, "HEAD", "/probe")).toEqual({ kind: "public" });
    expect(matchRoute(rules, "GET", "/probe")).toBe(DEFAULT_RULE);
    expect(matchRoute(rules, "POST", "/admin/export")).toBe(DEFAULT_RULE);
  });

  it("names exactly the methods the policy schema accepts", () => {
    expect(POLICY_METHODS).toEqual(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);
    expect(() => parsePolicy([{ path: "/a", method: "PROPFIND" }])).toThrow();
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

  it.each(["/%61dmin/x", "/adm%69n/users", "/ADM%49N/users", "/public/../admin/x", "/public/./../admin/x", "/x/../admin", "/%c4%b1/../admin/x"])(
    "applies the admin rule to %s, a spelling of an admin path",
    (raw) => {
      expect(access(policy, "GET", raw)).toEqual(ADMIN);
    },
  );

  it.each(["/admin;x/secret", "/public/..;/admin/x", "/public%2f..%2fadmin/x", "/public/%2e%2e/admin/x", "/%2561dmin/x", "/public/a%5c..%5cadmin"])(
    "refuses %s, which an origin may read as an admin path",
    (raw) => {
      expect(matchRoute(policy, "GET", raw)).toBe("refused");
    },
  );

  it("refuses a path whose readings reach different rules (decoded sub-delimiter, plus as space, Unicode case folding)", () => {
    const rules = parsePolicy([
      { path: "/files/a+b", access: "public" },
      { path: "/files/it!", access: "public" },
      { path: "/files/key", access: "public" },
      { path: "/files/*", roles: ["admin"] },
    ]);
    expect(access(rules, "GET", "/files/a+b")).toEqual("refused");
    expect(access(rules, "GET", "/files/it%21")).toEqual("refused");
    expect(access(rules, "GET", "/files/%E2%84%AAey")).toEqual("refused");
    expect(access(rules, "GET", "/files/it!")).toEqual({ kind: "public" });
    expect(access(rules, "GET", "/files/other")).toEqual(ADMIN_ROLE_ONLY);
    expect(access(rules, "GET", "/files/caf%C3%A9")).toEqual(ADMIN_ROLE_ONLY);
  });

  it("refuses a format suffix on a protected path, which Rails routes to the path itself", () => {
    const rules = parsePolicy([...DEVELOPMENT_POLICY, { method: "GET", path: "/reports/*/download", roles: ["finance"] }]);
    expect(access(rules, "GET", "/admin.json")).toBe("refused");
    expect(access(rules, "GET", "/reports/2026/download.csv")).toBe("refused");
    expect(access(rules, "GET", "/admin/users.json")).toEqual(ADMIN);
    expect(access(rules, "GET", "/public/app.js")).toEqual({ kind: "public" });
    expect(matchRoute(rules, "GET", "/favicon.ico")).toBe(DEFAULT_RULE);
  });

  it("gives no spelling of an admin path a rule other than the admin rule", () => {
    const spellingsOf = (letter: string) =>
      fc.constantFrom(letter, letter.toUpperCase(), `%${letter.charCodeAt(0).toString(16)}`, `%${letter.toUpperCase().charCodeAt(0).toString(16).toUpperCase()}`);
    const spelling = fc.tuple(...Array.from("admin", spellingsOf)).map((letters) => letters.join(""));
    const prefix = fc.constantFrom("", "/", "/public/..", "/./", "/x/y/../..", "/public/..;", "/public/%2e%2e", "/public%2f..");
    const middle = fc.constantFrom("", ";x", ";", "%3b");
    const tail = fc.constantFrom("/x", "/", "", "/./x", "/x/..", "//x", "/x;y");
    fc.assert(
      fc.property(prefix, spelling, middle, tail, fc.constantFrom(...POLICY_METHODS), (before, word, params, after, method) => {
        const raw = `${before}/${word}${params}${after}`.replace(/^\/\//, "/");
        // Every spelling here resolves to /admin or below it, so the only answers are the admin rule or a refusal.
        const result = access(policy, method, raw);
        if (result !== "refused") expect(result).toEqual(ADMIN);
      }),
      { numRuns: 3_000 },
    );
  });
});

describe("step-up rules (mfa, max_age)", () => {
  const signInOf = (input: unknown) => {
    const [rule] = parsePolicy(input);
    return rule?.access.kind === "authenticated" ? rule.access.signIn : "public";
  };

  it("reads mfa and max_age into the rule's sign-in requirement, and none when neither is given", () => {
    expect(signInOf([{ path: "/admin/*", roles: ["admin"], mfa: true, max_age: 300 }])).toEqual({ mfa: true, maxAge: 300 });
    expect(signInOf([{ path: "/billing/*", max_age: MAX_SIGN_IN_AGE_SECONDS }])).toEqual({ mfa: false, maxAge: MAX_SIGN_IN_AGE_SECONDS });
    expect(signInOf([{ path: "/settings/*", mfa: true }])).toEqual({ mfa: true });
    expect(signInOf([{ path: "/a", mfa: false }])).toBeNull();
    expect(signInOf([{ path: "/a" }])).toBeNull();
    expect(DEFAULT_RULE.access).toEqual({ kind: "authenticated", roles: [], signIn: null });
  });

  it.each([
    [0, "zero, which no sign-in could ever meet"],
    [-300, "a negative age"],
    [1.5, "a fraction of a second"],
    ["300", "a number written as a string"],
    [MAX_SIGN_IN_AGE_SECONDS + 1, "longer than any session lives"],
    [null, "null"],
    [Number.MAX_SAFE_INTEGER + 2, "beyond exact integers"],
  ])("refuses max_age %j (%s) at startup, naming the rule and field", (maxAge, why) => {
    expect(() => parsePolicy([{ path: "/public/*", access: "public" }, { path: "/admin/*", max_age: maxAge }]), why).toThrow(
      `policy rule 2, max_age: must be a whole number of seconds from 1 to ${MAX_SIGN_IN_AGE_SECONDS}`,
    );
  });

  it.each([["yes"], [1], [null]])("refuses mfa %j, which is not true or false", (mfa) => {
    expect(() => parsePolicy([{ path: "/admin/*", mfa }])).toThrow("policy rule 1, mfa: must be true or false");
  });

  it.each([[{ mfa: true }], [{ max_age: 300 }]])("a public route that asks for a strong sign-in (%j) is refused, not silently served to anyone", (extra) => {
    expect(() => parsePolicy([{ path: "/public/*", access: "public", ...extra }])).toThrow(
      "policy rule for /public/*: a public route cannot require a second factor or a recent sign-in (mfa, max_age)",
    );
  });

  it("names the rule and field of any other mistake, not a dump of the schema", () => {
    expect(() => parsePolicy([{ path: "/a", maxAge: 300 }])).toThrow('policy rule 1: Unrecognized key: "maxAge"');
    expect(() => parsePolicy({ path: "/a" })).toThrow(/^the policy must be a JSON array of rules/);
  });
});
