/**
 * `npm run bench`: the gate's cost in raw workerd against a pass-through
 * worker and the common jose (+ Upstash) worker, its scaling with the size of
 * the revocation list, its edge budget, and (with a PostgreSQL at POSTGRES_URL) the
 * issuer against better-auth. Everything is a ratio within one run. Writes
 * bench/results/<date>.md and prints one line of JSON last. Asserts nothing.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { gateVars } from "../dev/stack";
import { newId } from "../shared/crypto/ids";
import { buildBundles, bundleSize } from "./bundles";
import { measureColdStart, countSubrequests } from "./edge-budget";
import { measureFanIn } from "./fan-in";
import { freePort } from "../dev/support/free-port";
import { measureIssuerVsBetterAuth, type IssuerBenchResult } from "./issuer";
import { LoadClient } from "./load";
import { loadAverage, machineDescription } from "./machine";
import { renderReport, summaryKeys, type BenchReport } from "./report";
import { runRevocationControl } from "./revocation-control";
import { loadRevokedSessions } from "./revocations";
import { startBenchStack } from "./stack";
import { median } from "./statistics";
import { measureThroughput, type Scenario } from "./throughput";
import { benchUsers, issuerSigner, mintTokens } from "./tokens";
import { startWorkerd } from "./workerd/process";
import { benchWorker, gateWorker, wranglerConfig } from "./workers";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, "..");

export const SETTINGS = {
  connections: Number(process.env.BENCH_CONNECTIONS ?? 16),
  roundMs: Number(process.env.BENCH_ROUND_MS ?? 5_000),
  rounds: Math.max(5, Number(process.env.BENCH_ROUNDS ?? 5)),
  warmupMs: Number(process.env.BENCH_WARMUP_MS ?? 1_000),
  users: 1_000,
  /** Three times the gate's verified-token cache: cycled round-robin, every request misses it. */
  newTokens: Number(process.env.BENCH_NEW_TOKENS ?? 30_000),
  smallList: 1_000,
  largeList: 100_000,
  issuerDurationMs: Number(process.env.BENCH_ISSUER_MS ?? 10_000),
};

const log = (line: string) => console.log(`[bench] ${line}`);

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  const started = performance.now();
  const loadAtStart = loadAverage();
  log("building the workers");
  const bundles = await buildBundles(root, dir);
  log("starting the stand-ins and the issuer (raw workerd)");
  const stack = await startBenchStack(root, dir, bundles, SETTINGS.largeList);
  const load = new LoadClient(benchDir);
  let gateSide: Awaited<ReturnType<typeof startWorkerd>> | undefined;
  let summary: string | undefined;
  try {
    const { standIns, secrets } = stack;
    const tenantId = newId("tn");
    const claims = { iss: stack.issuerUrl, aud: "portcullis", tid: tenantId };
    const signer = await issuerSigner({ url: standIns.databaseUrl, fetchEndpoint: standIns.neonFetchEndpoint }, secrets.KEY_ENCRYPTION_SECRET);
    const users = benchUsers(SETTINGS.users);
    log(`minting ${SETTINGS.users} reused and ${SETTINGS.newTokens} new tokens with the issuer's key`);
    const reusedFile = join(dir, "tokens-reused.json");
    const newFile = join(dir, "tokens-new.json");
    writeFileSync(reusedFile, JSON.stringify(await mintTokens(signer, claims, users, SETTINGS.users)));
    writeFileSync(newFile, JSON.stringify(await mintTokens(signer, claims, users, SETTINGS.newTokens)));
    // Two users of their own for the revocation control, so revoking them touches no measured token.
    const controlUsers = benchUsers(2);
    const controlTokens = (await mintTokens(signer, claims, controlUsers, 2)).map((token, index) => ({ token, ...(controlUsers[index] ?? { sub: "", sid: "" }) }));
    log(`loading ${SETTINGS.smallList} and ${SETTINGS.largeList} revoked sessions`);
    await loadRevokedSessions(standIns.redisStore, SETTINGS.smallList);

    const names = ["passthrough", "jose", "jose-upstash", "gate", "gate-strict", "gate-large", "sync-probe", "gate-compare"] as const;
    // BENCH_COMPARE_GATE=<bundle> adds that gate bundle as one more scenario, measured in the same rounds: an A/B test for optimisations.
    const compareBundle = process.env.BENCH_COMPARE_GATE;
    const ports = Object.fromEntries(await Promise.all(names.map(async (name) => [name, await freePort()] as const))) as Record<(typeof names)[number], number>;
    const urls = { issuer: stack.issuerUrl, gate: `http://127.0.0.1:${ports.gate}` };
    const gate = gateVars(standIns, secrets, urls);
    const upstash = { UPSTASH_REDIS_REST_URL: standIns.upstash.url, UPSTASH_REDIS_REST_TOKEN: secrets.UPSTASH_REDIS_REST_TOKEN };
    const jose = { ISSUER_URL: stack.issuerUrl, AUDIENCE: "portcullis", ORIGIN_URL: standIns.origin.url };
    const gateWiring = { jwksKv: "kv-jwks", issuer: "issuer", cache: "cache" };
    gateSide = await startWorkerd(root, "bench", dir, {
      workers: [
        benchWorker("passthrough", bundles.bench.passthrough, { ORIGIN_URL: standIns.origin.url }),
        benchWorker("jose", bundles.bench["jose-gate"], jose),
        benchWorker("jose-upstash", bundles.bench["jose-gate"], { ...jose, ...upstash }),
        gateWorker(root, bundles.gate, { ...gateWiring, name: "gate", vars: gate }),
        gateWorker(root, bundles.gate, { ...gateWiring, name: "gate-strict", vars: { ...gate, GATE_REVOCATION_MODE: "strict" } }),
        gateWorker(root, bundles.gate, { ...gateWiring, name: "gate-large", vars: { ...gate, UPSTASH_REDIS_REST_URL: stack.largeList.url } }),
        gateWorker(root, compareBundle ?? bundles.gate, { ...gateWiring, name: "gate-compare", vars: gate }),
        benchWorker("sync-probe", bundles.bench["sync-probe"], {
          UPSTASH_TOKEN: secrets.UPSTASH_REDIS_REST_TOKEN,
          LISTS: JSON.stringify({ small: standIns.upstash.url, large: stack.largeList.url }),
        }),
      ],
      externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, cache: `127.0.0.1:${stack.cache.port}`, issuer: `127.0.0.1:${new URL(stack.issuerUrl).port}` },
      sockets: names.map((name) => ({ port: ports[name], worker: name })),
    });
    const at = (name: keyof typeof ports) => `http://127.0.0.1:${ports[name]}/api/orders?page=1`;
    const scenarios: Scenario[] = [
      { name: "pass-through", url: at("passthrough"), tokenFile: reusedFile },
      { name: "jose", url: at("jose"), tokenFile: reusedFile },
      { name: "jose + Upstash", url: at("jose-upstash"), tokenFile: reusedFile },
      { name: "gate (snapshot)", url: at("gate"), tokenFile: reusedFile },
      { name: "gate (strict)", url: at("gate-strict"), tokenFile: reusedFile },
      { name: "gate (snapshot), new tokens", url: at("gate"), tokenFile: newFile },
      { name: `gate (snapshot), ${SETTINGS.largeList.toLocaleString("en")} revoked`, url: at("gate-large"), tokenFile: reusedFile },
    ];
    if (compareBundle) scenarios.push({ name: "gate (comparison bundle)", url: at("gate-compare"), tokenFile: reusedFile });
    // BENCH_SCENARIOS="pass-through;gate (snapshot)" measures only those (for quick comparisons while optimising).
    const only = process.env.BENCH_SCENARIOS?.split(";").map((name) => name.trim());
    if (only) scenarios.splice(0, scenarios.length, ...scenarios.filter((scenario) => only.includes(scenario.name)));
    await expectAllServe(scenarios, reusedFile);

    log(`throughput: ${scenarios.length} scenarios, ${SETTINGS.rounds} rounds of ${SETTINGS.roundMs / 1000} s, ${SETTINGS.connections} connections`);
    const throughput = await measureThroughput(load, scenarios, { ...SETTINGS, workerdPid: gateSide.pid }, log);

    if (process.env.BENCH_THROUGHPUT_ONLY) {
      for (const row of throughput) log(`${row.name}: ${row.stalled ? "stalled" : `${row.perSecond.toFixed(0)} req/s (${row.perSecondSpread.min.toFixed(0)}–${row.perSecondSpread.max.toFixed(0)}), workerd ${row.workerdCpuMicros?.toFixed(0) ?? "?"} µs/request (${row.cpuSpread?.min.toFixed(0) ?? "?"}–${row.cpuSpread?.max.toFixed(0) ?? "?"})`}`);
      return;
    }
    log("control: two tokens revoked during the run, through the issuer's Upstash writer");
    const syncMs = Number(wranglerConfig(root, "workers/gate/wrangler.toml").vars.REVOCATION_SYNC_MS);
    const controlUrl = (name: keyof typeof ports) => `http://127.0.0.1:${ports[name]}/api/orders`;
    const control = await runRevocationControl({ url: standIns.upstash.url, token: secrets.UPSTASH_REDIS_REST_TOKEN }, [controlTokens[0] ?? never(), controlTokens[1] ?? never()], [
      { name: "gate (snapshot)", url: controlUrl("gate"), boundMs: 2 * syncMs },
      { name: "gate (strict)", url: controlUrl("gate-strict"), boundMs: null },
      { name: "jose + Upstash", url: controlUrl("jose-upstash"), boundMs: null },
    ]);
    for (const result of control) log(`control: ${result.worker}, ${result.revocation} revoked: ${result.refusedAfterMs === null ? "never refused" : `refused after ${result.refusedAfterMs.toFixed(0)} ms (${result.attempts} requests)`} → ${result.passed ? "passed" : "FAILED"}`);
    log("revocation sync cost");
    const syncProbe = `http://127.0.0.1:${ports["sync-probe"]}`;
    const syncCost = { small: await timeSyncs(syncProbe, "small"), large: await timeSyncs(syncProbe, "large") };
    await gateSide.stop();
    gateSide = undefined;

    log("edge budget: subrequests per route, cold starts");
    const subrequests = await countSubrequests(root, dir, stack, bundles, { reusedFile, newFile });
    const coldStart = await measureColdStart(root, dir, stack, bundles, { newFile, largeListUrl: stack.largeList.url, largeListSize: SETTINGS.largeList });
    for (const cold of coldStart) log(`cold start: ${cold.worker}, ${cold.route}: first request ${cold.firstMs.toFixed(1)} ms (${cold.firstSpread.min.toFixed(1)} to ${cold.firstSpread.max.toFixed(1)}), warm ${cold.warmMs.toFixed(1)} ms`);

    const fanIn = await measureFanIn(root, dir, stack, bundles, { reusedFile }, { log });
    const issuerResult = await measureIssuer();
    const report: BenchReport = {
      date: new Date(),
      machine: machineDescription(root, loadAtStart),
      settings: SETTINGS,
      throughput,
      control,
      revocationSyncMs: syncMs,
      syncCost,
      bundles: { gate: bundleSize(bundles.gate), issuer: bundleSize(bundles.issuer) },
      subrequests,
      coldStart,
      fanIn,
      issuer: issuerResult,
      wallSeconds: (performance.now() - started) / 1000,
    };
    const markdown = renderReport(report);
    const resultsDir = join(benchDir, "results");
    mkdirSync(resultsDir, { recursive: true });
    const file = join(resultsDir, `${report.date.toISOString().slice(0, 10)}.md`);
    writeFileSync(file, markdown);
    log(`results written to ${file}`);
    summary = JSON.stringify(summaryKeys(report));
  } finally {
    load.close();
    await gateSide?.stop();
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
  // Last, after every server has stopped, so nothing they log can follow it.
  if (summary) console.log(summary);
}

/** Every scenario must answer 200 with a bench token before anything is measured. */
async function expectAllServe(scenarios: readonly Scenario[], reusedFile: string): Promise<void> {
  const { readFileSync } = await import("node:fs");
  const token = (JSON.parse(readFileSync(reusedFile, "utf8")) as string[])[0] ?? "";
  for (const scenario of scenarios) {
    const response = await fetch(scenario.url, { headers: { Authorization: `Bearer ${token}` } });
    const body = await response.text();
    if (response.status !== 200) throw new Error(`${scenario.name} answered ${response.status} to a valid token: ${body.slice(0, 300)}`);
  }
}

export interface SyncCost {
  readonly entries: number;
  /** Loading the whole live list into a fresh snapshot: inside workerd, and as the client saw it minus a no-op round trip. */
  readonly fullMs: number;
  readonly fullRoundTripMs: number;
  /** The Upstash read of the whole list alone (request, transfer, the client's decoding), inside workerd. */
  readonly readMs: number;
  /** A catch-up sync right after, which reads only the last seconds of the log. */
  readonly incrementalMs: number;
  readonly incrementalRoundTripMs: number;
}

async function timeSyncs(probe: string, list: string): Promise<SyncCost> {
  const timed = async (path: string) => {
    const sent = performance.now();
    const body = (await (await fetch(`${probe}${path}`)).json()) as { ms?: number; entries?: number; synced?: boolean };
    if (path !== "/noop" && body.synced !== true) throw new Error(`sync of ${list} failed`);
    return { roundTrip: performance.now() - sent, ms: body.ms ?? 0, entries: body.entries ?? 0 };
  };
  const full: { roundTrip: number; ms: number; entries: number }[] = [];
  const incremental: { roundTrip: number; ms: number }[] = [];
  const reads: number[] = [];
  const noop: number[] = [];
  for (let index = 0; index < 5; index += 1) {
    noop.push((await timed("/noop")).roundTrip);
    reads.push((await timed(`/read/${list}`)).ms);
    full.push(await timed(`/full/${list}`));
    incremental.push(await timed(`/incremental/${list}`));
  }
  const base = median(noop);
  return {
    entries: full[0]?.entries ?? 0,
    fullMs: median(full.map((run) => run.ms)),
    fullRoundTripMs: median(full.map((run) => run.roundTrip)) - base,
    readMs: median(reads),
    incrementalMs: median(incremental.map((run) => run.ms)),
    incrementalRoundTripMs: median(incremental.map((run) => run.roundTrip)) - base,
  };
}

/**
 * The issuer against better-auth: on the PostgreSQL at POSTGRES_URL when it is set, otherwise on
 * an embedded PGlite for both sides, so a fresh machine measures it too. A failure is reported,
 * not hidden: the run goes on without this section and says so.
 */
async function measureIssuer(): Promise<IssuerBenchResult | null> {
  log("issuer vs better-auth");
  try {
    return await measureIssuerVsBetterAuth({ postgresUrl: process.env.POSTGRES_URL || undefined, durationMs: SETTINGS.issuerDurationMs, log });
  } catch (error) {
    log(`issuer vs better-auth failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    return null;
  }
}

function never(): never {
  throw new Error("the control tokens were not minted");
}

main().catch((error: unknown) => {
  console.error("[bench] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
