import { statSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { build } from "esbuild";
import { buildWorker } from "../dev/build";

export const BENCH_WORKERS = ["passthrough", "jose-gate", "sync-probe"] as const;
export type BenchWorker = (typeof BENCH_WORKERS)[number];

export interface Bundles {
  readonly issuer: string;
  readonly gate: string;
  readonly bench: Readonly<Record<BenchWorker, string>>;
}

/**
 * The product's workers exactly as `wrangler deploy --dry-run --minify` builds
 * them (dev/build.ts); the benchmark's own workers with esbuild, the bundler
 * wrangler uses, with the same conditions and minification.
 */
export async function buildBundles(root: string, outDir: string): Promise<Bundles> {
  const issuer = join(buildWorker("issuer"), "index.js");
  const gate = join(buildWorker("gate"), "index.js");
  const bench = {} as Record<BenchWorker, string>;
  await Promise.all(
    BENCH_WORKERS.map(async (name) => {
      const outfile = join(outDir, name, "index.js");
      await build({
        entryPoints: [join(root, "bench", name, "index.ts")],
        outfile,
        bundle: true,
        format: "esm",
        platform: "neutral",
        target: "es2022",
        conditions: ["workerd", "worker", "browser"],
        mainFields: ["browser", "module", "main"],
        minify: true,
        logLevel: "error",
      });
      bench[name] = outfile;
    }),
  );
  return { issuer, gate, bench };
}

export interface BundleSize {
  readonly bytes: number;
  readonly gzipBytes: number;
}

export function bundleSize(path: string): BundleSize {
  return { bytes: statSync(path).size, gzipBytes: gzipSync(readFileSync(path)).length };
}

