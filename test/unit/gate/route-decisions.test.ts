import { describe, expect, it } from "vitest";
import { canonicalPath } from "../../../shared/domain/canonical-path";
import { parsePolicy, routeFor } from "../../../shared/domain/gate-policy";
import { RouteDecisions } from "../../../workers/gate/services/route-decisions";

const policy = parsePolicy([
  { method: "GET", path: "/docs/*", access: "public" },
  { method: "DELETE", path: "/api/orders/*", roles: ["admin"] },
]);

/** What the gate decided before decisions were remembered: canonicalise, then match. */
function decidedAnew(method: string, rawPath: string) {
  const path = canonicalPath(rawPath);
  if (!path.ok) return path;
  const rule = routeFor(policy, method, path.value);
  return rule.ok ? { ok: true, value: { path: path.value.path, rule: rule.value } } : rule;
}

describe("remembered route decisions", () => {
  it("give the same answer, asked once or again, as deciding anew", () => {
    const decisions = new RouteDecisions(policy);
    for (const [method, path] of [["GET", "/docs/intro"], ["DELETE", "/api/orders/7"], ["GET", "/api/orders/7"], ["GET", "/api/./orders/%37"]] as const) {
      expect(decisions.decide(method, path)).toEqual(decidedAnew(method, path));
      expect(decisions.decide(method, path)).toEqual(decidedAnew(method, path));
    }
  });

  it("keep a method's rule to that method: a public GET path stays guarded for DELETE once GET was remembered", () => {
    const decisions = new RouteDecisions(parsePolicy([{ method: "GET", path: "/api/orders/*", access: "public" }]));
    const get = decisions.decide("GET", "/api/orders/7");
    const remove = decisions.decide("DELETE", "/api/orders/7");
    expect(get.ok && get.value.rule.access.kind).toBe("public");
    expect(remove.ok && remove.value.rule.access.kind).not.toBe("public");
  });

  it.each(["/docs/..%2f..%2fadmin", "/docs/%2e%2e/admin", "/docs\\..\\admin", "/docs/a;x=1"])("refuse an evasive path (%s) the second time as the first", (path) => {
    const decisions = new RouteDecisions(policy);
    const first = decisions.decide("GET", path);
    expect(first.ok).toBe(false);
    expect(decisions.decide("GET", path)).toEqual(first);
  });

  it("forward the canonical path, not the path as sent", () => {
    const decision = new RouteDecisions(policy).decide("GET", "/docs/./a/../intro");
    expect(decision.ok && decision.value.path).toBe("/docs/intro");
  });

  it("stay bounded when an attacker sends endless distinct paths: the memory starts over when full", () => {
    const decisions = new RouteDecisions(policy, 8);
    for (let index = 0; index < 100; index += 1) {
      decisions.decide("GET", `/api/items/${index}`);
      expect(decisions.size).toBeLessThanOrEqual(8);
    }
  });

  it("do not remember very long paths, which would make the memory large", () => {
    const decisions = new RouteDecisions(policy);
    const long = `/api/${"a".repeat(600)}`;
    expect(decisions.decide("GET", long)).toEqual(decidedAnew("GET", long));
    expect(decisions.size).toBe(0);
  });
});
