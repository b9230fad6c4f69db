/**
 * Builds both workers exactly as `wrangler deploy` would, without uploading
 * (`--dry-run`), into .portcullis/build/<worker>. CI runs it to prove the
 * deploy bundles build; the gate's tests run the issuer from its bundle.
 */
import { execFileSync } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { QUIET_WRANGLER_ENV } from "./wrangler-dev";

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), "..");
export const WORKER_CONFIGS = { issuer: "wrangler.toml", gate: "workers/gate/wrangler.toml" } as const;
export type WorkerName = keyof typeof WORKER_CONFIGS;

export function buildOutputDir(worker: WorkerName): string {
  return join(ROOT, ".portcullis", "build", worker);
}

export function buildWorker(worker: WorkerName, outdir = buildOutputDir(worker)): string {
  execFileSync(
    process.execPath,
    [join(ROOT, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "-c", WORKER_CONFIGS[worker], "--outdir", outdir, "--minify"],
    { cwd: ROOT, env: { ...process.env, ...QUIET_WRANGLER_ENV }, stdio: ["ignore", "pipe", "inherit"] },
  );
  return outdir;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const worker of Object.keys(WORKER_CONFIGS) as WorkerName[]) {
    console.log(`built ${worker} → ${buildWorker(worker)}`);
  }
}
