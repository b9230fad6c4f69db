/**
 * `npm run bench:passwords`: the CPU time of one Argon2id hash and one
 * verification (m=19456 KiB, t=2, p=1) in raw workerd, from the bundle
 * `wrangler deploy` would build. Time does not advance inside a Worker while
 * it computes, so the CPU is read from outside: the sum over workerd's threads
 * of /proc/<pid>/task/<tid>/schedstat (nanoseconds on a CPU), before and after
 * each request, sent one at a time. A no-op request's median is subtracted.
 * Prints a table and one line of JSON last; asserts nothing.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { freePort } from "../dev/support/free-port";
import { QUIET_WRANGLER_ENV } from "../dev/wrangler-dev";
import { loadAverage, machineDescription } from "./machine";
import { median, percentile } from "./statistics";
import { startWorkerd } from "./workerd/process";
import { wasmModulesBeside } from "./workers";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const ITERATIONS = Number(process.env.BENCH_PASSWORD_ITERATIONS ?? 100);
const log = (line: string) => console.log(`[bench:passwords] ${line}`);

/** Nanoseconds every thread of `pid` has spent on a CPU so far. */
function threadCpuNs(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    try {
      total += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, "utf8").split(" ")[0]);
    } catch {
      // A thread that ended between the listing and the read.
    }
  }
  return total;
}

/** Peak and current resident memory of a process, in MiB. */
function memoryMiB(pid: number): { peak: number; current: number } {
  const status = readFileSync(`/proc/${pid}/status`, "utf8");
  const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? Number.NaN) / 1024;
  return { peak: field("VmHWM"), current: field("VmRSS") };
}

interface Figures {
  readonly medianMs: number;
  readonly p10Ms: number;
  readonly p90Ms: number;
  readonly minMs: number;
  readonly maxMs: number;
}

async function measure(pid: number, url: string, iterations: number, baselineMs: number): Promise<Figures> {
  const samples: number[] = [];
  for (let index = 0; index < iterations; index++) {
    const before = threadCpuNs(pid);
    const response = await fetch(url);
    await response.arrayBuffer();
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}`);
    samples.push((threadCpuNs(pid) - before) / 1e6 - baselineMs);
  }
  const sorted = [...samples].sort((a, b) => a - b);
  return { medianMs: median(sorted), p10Ms: percentile(sorted, 0.1), p90Ms: percentile(sorted, 0.9), minMs: sorted[0] ?? 0, maxMs: sorted[sorted.length - 1] ?? 0 };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-passwords-"));
  let workerd: Awaited<ReturnType<typeof startWorkerd>> | undefined;
  try {
    log("building bench/password-hash with wrangler");
    execFileSync(process.execPath, [join(root, "node_modules", "wrangler", "bin", "wrangler.js"), "deploy", "--dry-run", "-c", "bench/password-hash/wrangler.toml", "--outdir", dir, "--minify"], {
      cwd: root,
      env: { ...process.env, ...QUIET_WRANGLER_ENV },
      stdio: ["ignore", "pipe", "inherit"],
    });
    const bundle = join(dir, "index.js");
    const wasmModules = wasmModulesBeside(bundle);
    if (wasmModules.length === 0) throw new Error("wrangler wrote no .wasm module beside the bundle");
    const port = await freePort();
    workerd = await startWorkerd(root, "passwords", dir, {
      workers: [{ name: "passwords", bundle, compatibilityDate: "2026-08-01", bindings: {}, wasmModules }],
      externals: {},
      sockets: [{ port, worker: "passwords" }],
    });
    const at = (step: string) => `http://127.0.0.1:${port}/${step}`;
    const idle = memoryMiB(workerd.pid);
    log(`warming up; ${ITERATIONS} requests per operation, one at a time`);
    for (const step of ["noop", "hash", "verify", "dummy", "policy"]) for (let index = 0; index < 5; index++) await (await fetch(at(step))).arrayBuffer();
    const noop = await measure(workerd.pid, at("noop"), ITERATIONS * 2, 0);
    const results = {
      hash: await measure(workerd.pid, at("hash"), ITERATIONS, noop.medianMs),
      verify: await measure(workerd.pid, at("verify"), ITERATIONS, noop.medianMs),
      dummy: await measure(workerd.pid, at("dummy"), ITERATIONS, noop.medianMs),
      policy: await measure(workerd.pid, at("policy"), ITERATIONS, noop.medianMs),
    };
    const memory = memoryMiB(workerd.pid);
    const machine = machineDescription(root, loadAverage());
    const fixed = (value: number) => value.toFixed(2).padStart(8);
    console.log(`\n${machine.cpuModel}, ${machine.cores} cores, ${machine.workerd}, load ${machine.loadAverage}`);
    console.log(`no-op request (subtracted): median ${noop.medianMs.toFixed(2)} ms CPU`);
    console.log("operation      median     p10      p90      min      max   (ms CPU)");
    for (const [name, figures] of Object.entries(results)) {
      console.log(`${name.padEnd(10)} ${fixed(figures.medianMs)} ${fixed(figures.p10Ms)} ${fixed(figures.p90Ms)} ${fixed(figures.minMs)} ${fixed(figures.maxMs)}`);
    }
    console.log(`workerd resident memory: ${idle.current.toFixed(0)} MiB idle, ${memory.current.toFixed(0)} MiB after, peak ${memory.peak.toFixed(0)} MiB\n`);
    console.log(JSON.stringify({ iterations: ITERATIONS, noopMs: noop.medianMs, ...results, memoryMiB: { idle: idle.current, after: memory.current, peak: memory.peak } }));
  } finally {
    await workerd?.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error("[bench:passwords] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
