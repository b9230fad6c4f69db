import { readdirSync } from "node:fs";
import { cloudflareTest } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import { buildOutputDir } from "./dev/build";
import { soakSettings, soakTimeouts } from "./test/soak/soak-settings";

const WORKERD_TIMEOUTS = { testTimeout: 30_000, hookTimeout: 60_000 };
/** Real HTTP to two `wrangler dev` workers on a busy 2-core machine: room, never a performance bound. */
const E2E_TIMEOUTS = { testTimeout: 120_000, hookTimeout: 240_000 };

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
          name: "e2e",
          environment: "node",
          include: ["test/e2e/**/*.test.ts"],
          // One local stack (both workers under wrangler dev) serves every file; see test/support/global-e2e-stack.ts.
          fileParallelism: false,
          globalSetup: ["./test/support/global-e2e-stack.ts"],
          ...E2E_TIMEOUTS,
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
  // The bundle is one ES module plus any .wasm module wrangler wrote beside it (Argon2id), listed by hand:
  // the pool cannot convert module rules, and `modules: true` would load the entry alone.
  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- dropped on purpose
  const { modulesRules, ...options } = workerOptions;
  const dir = buildOutputDir("issuer");
  const wasm = readdirSync(dir).filter((file) => file.endsWith(".wasm"));
  return {
    ...options,
    name: "portcullis-issuer",
    modulesRoot: dir,
    modules: [{ type: "ESModule" as const, path: `${dir}/index.js` }, ...wasm.map((file) => ({ type: "CompiledWasm" as const, path: `${dir}/${file}` }))],
    bindings: { ...(options.bindings as Record<string, string> | undefined), ...bindings },
  };
}
