/**
 * The import-direction rules of eslint.config.js, run through ESLint's Node API
 * on small sources placed (in name only) where the rule applies. Only
 * no-restricted-imports runs, without type information, so each case is quick.
 */
import { fileURLToPath } from "node:url";
import { ESLint } from "eslint";
import { beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const eslint = new ESLint({
  cwd: root,
  overrideConfig: { languageOptions: { parserOptions: { projectService: false, project: null } } },
  ruleFilter: ({ ruleId }) => ruleId === "no-restricted-imports",
});

// The first lint loads the config and the TypeScript parser; on a busy machine that alone can outlast a test's default timeout.
beforeAll(async () => {
  await eslint.lintText("export const warm = 1;\n", { filePath: "workers/issuer/services/warm-up.ts" });
}, 120_000);

/** The messages no-restricted-imports gives `specifier` imported from `file`. */
async function importReports(file: string, specifier: string): Promise<string[]> {
  const [result] = await eslint.lintText(`import { probe } from "${specifier}";\nexport const used = probe;\n`, { filePath: file });
  expect(result?.messages.filter((message) => message.fatal === true)).toEqual([]);
  return (result?.messages ?? []).filter((message) => message.ruleId === "no-restricted-imports").map((message) => message.message);
}

describe("workers never import each other", () => {
  it.each([
    ["workers/gate/services/probe.ts", "../../issuer/services/refresh"],
    ["workers/gate/routes/probe.ts", "../../issuer/services/refresh"],
    ["workers/gate/validation/probe.ts", "../../issuer/deps"],
    ["workers/gate/services/probe.ts", "../../issuer"],
    ["workers/gate/app.ts", "../issuer/services/refresh"],
    ["workers/gate/services/probe.ts", "../../../workers/issuer/services/refresh"],
    ["workers/issuer/services/probe.ts", "../../gate/services/forward"],
    ["workers/issuer/routes/probe.ts", "../../gate/validation/token-validator"],
    ["workers/issuer/app.ts", "../gate/deps"],
  ])("%s may not import %s", async (file, specifier) => {
    expect(await importReports(file, specifier)).toEqual([expect.stringContaining("Workers never import each other.")]);
  });
});

describe("services never import routes", () => {
  it.each([
    ["workers/issuer/services/probe.ts", "../routes/auth"],
    ["workers/issuer/services/accounts/probe.ts", "../../routes/admin"],
    ["workers/issuer/services/probe.ts", "../routes"],
    ["workers/gate/services/probe.ts", "../routes/proxy"],
  ])("%s may not import %s", async (file, specifier) => {
    expect(await importReports(file, specifier)).toEqual([expect.stringContaining("Services never import routes")]);
  });

  it("still applies the worker's other rules to services", async () => {
    expect(await importReports("workers/issuer/services/probe.ts", "../../../shared/adapters/neon/database")).toEqual([expect.stringContaining("Only deps.ts wires adapters.")]);
    expect(await importReports("workers/gate/services/probe.ts", "drizzle-orm")).toEqual([expect.stringContaining("Vendor SDKs")]);
  });
});

describe("what stays allowed", () => {
  it.each([
    ["workers/issuer/routes/probe.ts", "../services/refresh"],
    ["workers/issuer/services/probe.ts", "./session-tokens"],
    ["workers/issuer/services/probe.ts", "../deps"],
    ["workers/gate/services/probe.ts", "../../../sdk/src/server/gate-signature/sign"],
    ["workers/gate/deps.ts", "../../shared/adapters/issuer-binding/jwks-source"],
    ["workers/issuer/deps.ts", "../../shared/adapters/neon/database"],
  ])("%s may import %s", async (file, specifier) => {
    expect(await importReports(file, specifier)).toEqual([]);
  });
});

describe("shared code and adapters", () => {
  it.each([
    ["shared/domain/probe.ts", "../../workers/issuer/services/refresh"],
    ["shared/domain/probe.ts", "../adapters/neon/database"],
    ["shared/adapters/neon/probe.ts", "../../../workers/gate/deps"],
  ])("%s may not import %s", async (file, specifier) => {
    expect(await importReports(file, specifier)).toHaveLength(1);
  });
});
