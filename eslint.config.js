// @ts-check
import { defineConfig } from "eslint/config";
import tseslint from "typescript-eslint";

const VENDOR_SDKS = ["@neondatabase/serverless", "@upstash/redis", "@upstash/redis/*", "drizzle-orm", "drizzle-orm/*", "aws4fetch"];

/** @param {string[]} groups @param {string} message */
const forbid = (groups, message) => ({ group: groups, message });

/**
 * A worker's import rules. The other worker is matched by its folder name at any depth, so
 * `../../issuer/services/x` from a gate service is caught as well as `../issuer/x` from its root.
 * Services get the same list plus routes: ESLint replaces a rule's options per file, it never merges them.
 * @param {string} worker @param {string} other @param {string[]} compositionRoot
 */
const workerImportRules = (worker, other, compositionRoot) => {
  const common = [
    forbid([`**/${other}`, `**/${other}/**`], "Workers never import each other."),
    forbid(["**/shared/adapters/**"], "Only deps.ts wires adapters."),
    forbid(VENDOR_SDKS, "Vendor SDKs are imported only by shared/adapters."),
  ];
  return [
    { files: [`workers/${worker}/**/*.ts`, `workers/${worker}/**/*.tsx`], ignores: compositionRoot, rules: { "no-restricted-imports": ["error", { patterns: common }] } },
    {
      files: [`workers/${worker}/services/**/*.ts`],
      rules: { "no-restricted-imports": ["error", { patterns: [...common, forbid(["**/routes", "**/routes/**"], "Services never import routes: routes → services → ports.")] }] },
    },
  ];
};

export default defineConfig(
  { ignores: ["node_modules/**", ".portcullis/**", ".wrangler/**", "dist/**", "sdk/dist/**", "sdk/src/generated/**", "examples/gate-app/public/static/app.js", "**/worker-configuration.d.ts", "drizzle/migrations/**"] },
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js", "dev/support/*.mjs"] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/consistent-type-imports": ["error", { fixStyle: "inline-type-imports" }],
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-explicit-any": "error",
      "@typescript-eslint/no-non-null-assertion": "error",
      "@typescript-eslint/restrict-template-expressions": ["error", { allowNumber: true }],
      "@typescript-eslint/no-unnecessary-condition": "off",
      "@typescript-eslint/no-confusing-void-expression": "off",
      "@typescript-eslint/no-extraneous-class": "off",
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Named exports only; the one default export is a worker entry." }],
    },
  },
  {
    // Worker entries, config files and global setups are the only default exports.
    files: ["workers/*/index.ts", "bench/*/index.ts", "examples/*/src/worker.ts", "*.config.ts", "*.config.js", "test/support/global-*.ts", "test/support/build-*.ts"],
    rules: { "no-restricted-syntax": "off" },
  },
  {
    // Import direction (CONTRIBUTING.md, "How the code is laid out"): routes → services → ports ← adapters; only deps.ts knows both sides.
    files: ["shared/**/*.ts"],
    ignores: ["shared/adapters/**"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [
        forbid(["**/workers/**", "**/dev/**", "**/test/**"], "shared/ never imports a worker, the dev stack or tests."),
        forbid(["**/adapters/**"], "Only a worker's deps.ts wires adapters."),
        forbid(VENDOR_SDKS, "Vendor SDKs are imported only by shared/adapters."),
      ] }],
    },
  },
  {
    files: ["shared/adapters/**/*.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [forbid(["**/workers/**", "**/dev/**", "**/test/**"], "Adapters never import a worker, the dev stack or tests.")] }],
    },
  },
  // mail-senders.ts is part of the issuer's composition root: deps.ts calls it to build the email adapters.
  ...workerImportRules("issuer", "gate", ["workers/issuer/deps.ts", "workers/issuer/index.ts", "workers/issuer/mail-senders.ts"]),
  ...workerImportRules("gate", "issuer", ["workers/gate/deps.ts"]),
  {
    files: ["test/**/*.ts", "dev/**/*.ts", "bench/**/*.ts"],
    rules: {
      "@typescript-eslint/no-non-null-assertion": "off",
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-unsafe-return": "off",
    },
  },
);
