import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { buildOutputDir } from "./dev/build";
import { soakSettings, soakTimeouts } from "./test/soak/soak-settings";

const WORKERD_TIMEOUTS = { testTimeout: 30_000, hookTimeout: 60_000 };

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: "dev",
          environment: "node",
          include: ["test/dev/**/*.test.ts"],
          ...WORKERD_TIMEOUTS,
        },
      },
      {
        test: {
          name: "build",
          environment: "node",
          include: ["test/build/**/*.test.ts"],
          ...WORKERD_TIMEOUTS,
        },
      },
      {
        test: {
          name: "unit",
          environment: "node",
          include: ["test/unit/**/*.test.ts"],
          // Property tests run hundreds of cases; on two busy cores the 5 s default is too tight.
          testTimeout: 30_000,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./wrangler.toml" },
            miniflare: { bindings: inject("issuerBindings") },
          })),
        ],
        test: {
          name: "issuer",
          include: ["test/workers/issuer/**/*.test.ts"],
          // One database and one set of signing keys serve every file; some files rotate or reset the keys.
          fileParallelism: false,
          globalSetup: ["./test/support/global-stack.ts"],
          setupFiles: ["./test/support/production-limits.ts"],
          ...WORKERD_TIMEOUTS,
        },
      },
      {
        plugins: [
          cloudflareTest(({ inject }) => ({
            wrangler: { configPath: "./workers/gate/wrangler.toml" },
            miniflare: {
              bindings: inject("gateBindings"),
              // The real issuer, from the same bundle `wrangler deploy` would upload, behind the gate's service binding.
              // Its database address is one the tests can take away, to show the gate does not need Postgres.
              workers: [issuerAuxiliaryWorker({ ...inject("issuerBindings"), NEON_FETCH_ENDPOINT: inject("switchableNeonFetchEndpoint") })],
            },
          })),
        ],
        test: {
          name: "gate",
          include: ["test/workers/gate/**/*.test.ts"],
          // Some files stop the shared Upstash endpoint or rotate the issuer's keys.
          fileParallelism: false,
          globalSetup: ["./test/support/build-issuer.ts", "./test/support/global-stack.ts"],
          setupFiles: ["./test/support/production-limits.ts"],
          ...WORKERD_TIMEOUTS,
        },
      },
      {
        test: {
          name: "soak",
          environment: "node",
          include: ["test/soak/**/*.test.ts"],
          // The setup hook starts the stack and runs the whole soak (SOAK_SECONDS); see test/soak/soak-settings.ts.
          ...soakTimeouts(soakSettings()),
          // After the other projects, alone: its load would otherwise slow their tests on a 2-core machine.
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});

function issuerAuxiliaryWorker(bindings: Record<string, string>) {
  const { workerOptions } = unstable_getMiniflareWorkerOptions("./wrangler.toml");
  // The bundle is a single ES module, so the module rules (which the pool cannot convert) are not needed.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped on purpose
  const { modulesRules, ...options } = workerOptions;
  return {
    ...options,
    name: "portcullis-issuer",
    modules: true,
    scriptPath: `${buildOutputDir("issuer")}/index.js`,
    bindings: { ...(options.bindings as Record<string, string> | undefined), ...bindings },
  };
}
