import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { formatVarsFile, localPorts, readVarsFile, resolveSecrets } from "../../../dev/local-settings";

describe("local settings", () => {
  it("uses the contract's ports unless moved by the environment", () => {
    expect(localPorts({})).toEqual({ issuer: 8787, gate: 8788, origin: 8789, sms: 8790, neon: 8791, upstash: 8792, demoApp: 8793, identityProvider: 8794 });
    expect(localPorts({ GATE_PORT: "9000" }).gate).toBe(9000);
    expect(localPorts({ IDENTITY_PROVIDER_PORT: "9794" }).identityProvider).toBe(9794);
    expect(() => localPorts({ NEON_PORT: "http" })).toThrow("NEON_PORT");
  });

  it("prefers the environment, then the saved file, then generates", () => {
    const secrets = resolveSecrets({ KEY_ENCRYPTION_SECRET: "saved" }, { ADMIN_TOKEN: "from-env" });
    expect(secrets.ADMIN_TOKEN).toBe("from-env");
    expect(secrets.KEY_ENCRYPTION_SECRET).toBe("saved");
    expect(secrets.GATE_SIGNING_SECRET.length).toBeGreaterThanOrEqual(40);
    expect(resolveSecrets({}, {}).GATE_SIGNING_SECRET).not.toBe(secrets.GATE_SIGNING_SECRET);
  });

  it("writes a vars file that reads back identically, quotes and all", () => {
    const path = join(mkdtempSync(join(tmpdir(), "vars-")), ".dev.vars");
    const vars = { A: "plain", B: 'with "quotes" and = signs', C: "" };
    writeFileSync(path, formatVarsFile("header", vars));
    expect(readVarsFile(path)).toEqual(vars);
  });
});
