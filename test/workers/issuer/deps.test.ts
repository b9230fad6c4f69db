/**
 * What the composition root hands to routes and services: ports and services,
 * never a raw database handle that would let a route bypass them.
 */
import { env } from "cloudflare:workers";
import { describe, expect, expectTypeOf, it } from "vitest";
import { issuerDeps, type IssuerDeps } from "../../../workers/issuer/deps";

describe("the issuer's dependencies", () => {
  it("give routes and services no database handle, only the ports built on it", () => {
    expectTypeOf<IssuerDeps>().not.toHaveProperty("db");
    const deps = issuerDeps(env);
    expect(Object.keys(deps)).not.toContain("db");
    // Whatever its name, a drizzle database is recognisable by its query builders.
    const handles = Object.entries(deps).filter(([, value]) => typeof value === "object" && value !== null && "select" in value && "execute" in value);
    expect(handles.map(([name]) => name)).toEqual([]);
  });
});
