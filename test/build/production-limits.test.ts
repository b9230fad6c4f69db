/**
 * Limits of production Workers that local workerd does not enforce, checked on
 * the bundles `wrangler deploy` would upload. (Key-derivation caps are enforced
 * at run time in every workerd test: test/support/production-limits.ts.)
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildWorker, WORKER_CONFIGS, type WorkerName } from "../../dev/build";

/** Workers on the free plan may upload at most 3 MB of script after compression (10 MB on paid plans). */
const MAX_GZIP_BYTES = 3 * 1024 * 1024;
const RUNTIME_WASM = /WebAssembly\s*\.\s*(compile|compileStreaming|instantiate|instantiateStreaming)\s*\(|new\s+WebAssembly\s*\.\s*Module\s*\(/g;
const SCRYPT = /\bscrypt/gi;

/** Each place `pattern` occurs, with a little context, so a failure names the code rather than printing the bundle. */
function occurrences(bundle: string, pattern: RegExp): string[] {
  return [...bundle.matchAll(pattern)].map((match) => bundle.slice(Math.max(0, match.index - 60), match.index + 60));
}

const workers = Object.keys(WORKER_CONFIGS) as WorkerName[];
const outRoot = mkdtempSync(join(tmpdir(), "portcullis-bundles-"));
const bundles = new Map<WorkerName, string>();

beforeAll(() => {
  // Its own folder: the gate's tests load the issuer's bundle from the shared one.
  for (const worker of workers) bundles.set(worker, readFileSync(join(buildWorker(worker, join(outRoot, worker)), "index.js"), "utf8"));
}, 120_000);

afterAll(() => rmSync(outRoot, { recursive: true, force: true }));

describe.each(workers)("the %s bundle", (worker) => {
  const bundle = () => bundles.get(worker) ?? "";

  it("fits the production script size limit after compression", () => {
    expect(gzipSync(bundle()).byteLength).toBeLessThan(MAX_GZIP_BYTES);
  });

  it("compiles no WebAssembly from bytes at run time", () => {
    expect(occurrences(bundle(), RUNTIME_WASM)).toEqual([]);
  });

  it("carries no scrypt, whose cost production caps at N·r·p ≤ 2^20", () => {
    expect(occurrences(bundle(), SCRYPT)).toEqual([]);
  });
});

describe("the bundle checks", () => {
  it("recognise what they look for, minified or not", () => {
    expect(occurrences("a=await WebAssembly.instantiate(bytes,{})", RUNTIME_WASM)).toHaveLength(1);
    expect(occurrences("m=new WebAssembly.Module(b);WebAssembly . compile (b)", RUNTIME_WASM)).toHaveLength(2);
    expect(occurrences("import{scrypt as s}from'x';isCryptoKey(k)", SCRYPT)).toHaveLength(1);
  });
});
