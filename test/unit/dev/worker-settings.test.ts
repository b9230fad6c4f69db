import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { resolveSecrets } from "../../../dev/local-settings";
import { changedSettings, GATE_SETTINGS, ignoredStackSettings, ISSUER_SETTINGS, STACK_OWNED, withEnvironmentSettings } from "../../../dev/worker-settings";

/** The names in the first column of the README's two configuration tables. */
function readmeConfigurationNames(): string[] {
  const readme = readFileSync(join(import.meta.dirname, "../../../README.md"), "utf8");
  const section = readme.split("\n## Configuration")[1]?.split("\n## ")[0] ?? "";
  const names = new Set<string>();
  for (const line of section.split("\n")) {
    const firstCell = /^\|([^|]+)\|/.exec(line)?.[1] ?? "";
    for (const match of firstCell.matchAll(/`([A-Z][A-Z0-9_]+)`/g)) if (match[1]) names.add(match[1]);
  }
  return [...names];
}

const stack = { issuer: { RATE_LIMIT_MAX: "100", DATABASE_URL: "postgresql://local" }, gate: { ORIGIN_URL: "http://127.0.0.1:8789", GATE_TENANTS: "*" } };

describe("npm run dev's environment reaches the workers", () => {
  it("passes RATE_LIMIT_MAX from the shell to the issuer instead of the default", () => {
    const { vars } = withEnvironmentSettings(stack, { RATE_LIMIT_MAX: "1000000" });
    expect(vars.issuer.RATE_LIMIT_MAX).toBe("1000000");
  });

  it("passes the gate's settings, the origin included, over the stack's own", () => {
    const { vars } = withEnvironmentSettings(stack, { ORIGIN_URL: "http://127.0.0.1:3000", GATE_TENANTS: "ten_1", GATE_REVOCATION_MODE: "strict", LOG_LEVEL: "debug" });
    expect(vars.gate).toMatchObject({ ORIGIN_URL: "http://127.0.0.1:3000", GATE_TENANTS: "ten_1", GATE_REVOCATION_MODE: "strict", LOG_LEVEL: "debug" });
    expect(vars.issuer.LOG_LEVEL).toBe("debug");
  });

  it("never lets a production address left in the shell reach a local worker", () => {
    const env = { DATABASE_URL: "postgresql://prod.example", UPSTASH_REDIS_REST_URL: "https://prod.upstash.io", TWILIO_API_BASE: "https://api.twilio.com" };
    const { vars } = withEnvironmentSettings(stack, env);
    expect(vars.issuer.DATABASE_URL).toBe("postgresql://local");
    expect(vars.issuer).not.toHaveProperty("UPSTASH_REDIS_REST_URL");
    expect(ignoredStackSettings(env).sort()).toEqual(["DATABASE_URL", "TWILIO_API_BASE", "UPSTASH_REDIS_REST_URL"]);
  });

  it("takes every variable of the README's configuration tables from the environment, or documents it as the stack's own", () => {
    const names = readmeConfigurationNames();
    expect(names).toContain("RATE_LIMIT_MAX");
    expect(names).toContain("GATE_POLICY");
    const secrets = Object.keys(resolveSecrets({}, {}));
    const handled = new Set<string>([...ISSUER_SETTINGS, ...GATE_SETTINGS, ...secrets, ...STACK_OWNED]);
    expect(names.filter((name) => !handled.has(name))).toEqual([]);
  });

  it("shows in the banner only the settings that differ from the worker's defaults", () => {
    const defaults = { RATE_LIMIT_MAX: "100", LOG_LEVEL: "info" };
    expect(changedSettings({ RATE_LIMIT_MAX: "1000000", LOG_LEVEL: "info", CORS_ORIGINS: "http://localhost:3000" }, defaults)).toEqual({
      RATE_LIMIT_MAX: "1000000",
      CORS_ORIGINS: "http://localhost:3000",
    });
  });
});
