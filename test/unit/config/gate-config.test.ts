import { describe, expect, it } from "vitest";
import { ConfigError } from "../../../shared/config/env-reader";
import { parseGateConfig } from "../../../shared/config/gate-config";

const BASE = {
  ISSUER_URL: "https://auth.example.test",
  GATE_AUDIENCES: "portcullis",
  ORIGIN_URL: "https://app.example.test",
  UPSTASH_REDIS_REST_URL: "https://redis.example.test",
  UPSTASH_REDIS_REST_TOKEN: "token",
  GATE_SIGNING_SECRET: "a-secret-that-is-at-least-32-characters-long",
};
const TENANT_A = "tn_0123456789abcdefghjkmnpqrs";
const TENANT_B = "tn_abcdefghjkmnpqrs0123456789";

describe("GATE_TENANTS", () => {
  it("has no default: missing or empty leaves the gate without tenants (it refuses to serve)", () => {
    expect(parseGateConfig(BASE).tenants).toEqual({ kind: "unset" });
    expect(parseGateConfig({ ...BASE, GATE_TENANTS: "" }).tenants).toEqual({ kind: "unset" });
    expect(parseGateConfig({ ...BASE, GATE_TENANTS: " , " }).tenants).toEqual({ kind: "unset" });
  });

  it("serves any tenant only when set to *", () => {
    expect(parseGateConfig({ ...BASE, GATE_TENANTS: "*" }).tenants).toEqual({ kind: "any" });
  });

  it("reads a comma-separated list of tenant ids", () => {
    expect(parseGateConfig({ ...BASE, GATE_TENANTS: `${TENANT_A}, ${TENANT_B}` }).tenants).toEqual({ kind: "listed", ids: [TENANT_A, TENANT_B] });
  });

  it.each([`*,${TENANT_A}`, "acme", `${TENANT_A},tn_short`])("refuses %j rather than guess", (value) => {
    expect(() => parseGateConfig({ ...BASE, GATE_TENANTS: value })).toThrow(ConfigError);
  });
});
