/**
 * The password primitives as `wrangler deploy` bundles them (the benchmark's
 * worker imports exactly the product's modules): the Argon2id WebAssembly must
 * travel as a module beside the script, never as bytes compiled at run time.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../../dev/build";
import { QUIET_WRANGLER_ENV } from "../../dev/wrangler-dev";

const RUNTIME_WASM = /WebAssembly\s*\.\s*(compile|compileStreaming|instantiate|instantiateStreaming)\s*\(|new\s+WebAssembly\s*\.\s*Module\s*\(/;
const outDir = mkdtempSync(join(tmpdir(), "portcullis-password-bundle-"));
let bundle = "";

beforeAll(() => {
  execFileSync(process.execPath, [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "-c", "bench/password-hash/wrangler.toml", "--outdir", outDir, "--minify"], {
    cwd: ROOT,
    env: { ...process.env, ...QUIET_WRANGLER_ENV },
    stdio: ["ignore", "pipe", "inherit"],
  });
  bundle = readFileSync(join(outDir, "index.js"), "utf8");
}, 120_000);

afterAll(() => rmSync(outDir, { recursive: true, force: true }));

describe("the Argon2id module in a deploy bundle", () => {
  it("ships the WebAssembly as one module file beside the script, imported by name", () => {
    const wasm = readdirSync(outDir).filter((file) => file.endsWith(".wasm"));
    expect(wasm).toHaveLength(1);
    expect(wasm[0]).toMatch(/-simd\.wasm$/);
    expect(bundle).toContain(`"./${wasm[0] ?? ""}"`);
  });

  it("compiles no WebAssembly from bytes at run time", () => {
    expect(RUNTIME_WASM.exec(bundle)).toBeNull();
  });
});
