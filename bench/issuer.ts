/**
 * Complete phone sign-ins per second (request a code, read it from the SMS sandbox, verify it):
 * the issuer in raw workerd against better-auth's phoneNumber plugin on Node, both on the same
 * PostgreSQL and the same SMS sandbox, in alternating rounds at the same concurrency. Importable
 * (`measureIssuerVsBetterAuth`) and runnable on its own (`npx tsx bench/issuer.ts`, with
 * POSTGRES_URL or the local default). Prints ratios, never asserts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWorker, ROOT } from "../dev/build";
import { resolveSecrets, type LocalSecrets } from "../dev/local-settings";
import { issuerVars, startStandIns, type StandIns } from "../dev/stack";
import { throwawayDatabase } from "../test/support/throwaway-database";
import { codeInSms } from "../test/support/test-identities";
import type { BetterAuthServerConfig } from "./better-auth-server";
import { freePort } from "../dev/support/free-port";
import { startIssuerWorkerd } from "./stack";
import { ownCpuMs, processCpuMs } from "./process-cpu";
import { runSignInLoad, timed, type SignInFlow, type SignInRun } from "./sign-in-load";
import { median, percentile, spread, type Spread } from "./statistics";
import { startDelayHop, type DelayHop } from "./delay-hop";
import { startPgliteWireServer } from "./pglite-wire-server";

export interface IssuerBenchOptions {
  /** A PostgreSQL server to make throwaway databases on; without one, both sides use an embedded PGlite. */
  readonly postgresUrl: string | undefined;
  /** Measured time per side and per distance, split into rounds; warm-up and start-up come on top. */
  readonly durationMs: number;
  readonly concurrency?: number;
  readonly rounds?: number;
  /** What every database round trip costs in the distant ("WAN") runs. */
  readonly wanDelayMs?: number;
  readonly log?: (line: string) => void;
}

export interface SideFigures {
  readonly perSecond: Spread;
}

export interface DistanceResult {
  readonly delayMs: number;
  readonly ours: SideFigures;
  readonly theirs: SideFigures;
  /** Per round, ours over theirs; the median. */
  readonly ratio: number;
  readonly ratioSpread: Spread;
}

export interface RoundTrips {
  /** Per side and call: database exchanges seen by the hop while the call ran, after it answered (within 300 ms), and the sequential round trips its latency shows. */
  readonly rows: readonly { readonly side: Side; readonly call: "request" | "verify"; readonly during: number; readonly after: number; readonly sequential: number }[];
  readonly probeDelayMs: number;
}

export interface IssuerBenchResult {
  readonly database: { readonly kind: "postgresql" | "pglite"; readonly version: string; readonly storage: string };
  readonly durableObjectStorage: string;
  readonly loopback: DistanceResult;
  readonly wan: DistanceResult;
  readonly roundTrips: RoundTrips;
  readonly markdown: string;
  readonly ours_per_second: number;
  readonly better_auth_per_second: number;
  readonly ratio: number;
}

const DEFAULT_ROUNDS = 5;
const TMPFS = "/dev/shm";
const WARM_UP_MS = 2_000;
const DEFAULT_CONCURRENCY = 16;
const DEFAULT_WAN_DELAY_MS = 10;
/** The delay while counting sequential round trips: long enough to stand out from the work itself. */
const PROBE_DELAY_MS = 25;
/** The Neon stand-in keeps this many PostgreSQL sessions (Neon's proxy default); better-auth's pool gets as many. */
const POOL_SIZE = 20;

/**
 * The tenant's abuse limits, raised so that only the sign-in path itself is measured. Every
 * check still runs (number type, VOIP, risk score, each counter's Durable Object); only the
 * thresholds move. Each sign-in also uses a fresh phone and client IP.
 */
const BENCH_TENANT_SETTINGS = {
  sms_per_prefix_per_hour: 100_000,
  sms_per_ip_per_hour: 10_000,
  sms_daily_budget: 10_000_000,
} as const;

interface Databases {
  readonly kind: "postgresql" | "pglite";
  readonly version: string;
  readonly storage: string;
  /** Where the issuer's Neon stand-in stores data: a PostgreSQL URL, or none for its embedded PGlite. */
  readonly issuerPostgresUrl: string | undefined;
  /** What better-auth's pool connects to, before the delaying hop. */
  readonly betterAuth: { readonly host: string; readonly port: number; readonly url: string };
  /** Durable Object storage on the same kind of storage as the database. */
  readonly durableObjectParent: string;
}

async function prepareDatabases(postgresUrl: string | undefined, cleanup: (() => Promise<void>)[]): Promise<Databases> {
  if (postgresUrl) {
    const issuerDatabase = await throwawayDatabase(postgresUrl, "portcullis_bench_issuer");
    cleanup.push(() => issuerDatabase.drop());
    const betterAuthDatabase = await throwawayDatabase(postgresUrl, "portcullis_bench_better_auth");
    cleanup.push(() => betterAuthDatabase.drop());
    const client = new pg.Client({ connectionString: postgresUrl });
    await client.connect();
    let version = "";
    let dataDirectory: string | null = null;
    try {
      version = (await client.query<{ server_version: string }>("show server_version")).rows[0]?.server_version ?? "";
      dataDirectory = (await client.query<{ data_directory: string }>("show data_directory")).rows[0]?.data_directory || null;
    } catch {
      // data_directory needs a privileged role; without it the storage is reported as unknown.
    } finally {
      await client.end();
    }
    const url = new URL(betterAuthDatabase.url);
    return {
      kind: "postgresql",
      version,
      storage: dataDirectory === null ? "a PostgreSQL server whose data directory this role cannot read" : `data in ${dataDirectory} (${fileSystemOf(dataDirectory)})`,
      issuerPostgresUrl: issuerDatabase.url,
      betterAuth: { host: url.hostname, port: Number(url.port || 5432), url: betterAuthDatabase.url },
      // Durable Objects go on local disk, as PostgreSQL's data does; the report names both file systems.
      durableObjectParent: tmpdir(),
    };
  }
  const db = new PGlite();
  cleanup.push(() => db.close());
  const server = await startPgliteWireServer(db);
  cleanup.push(() => server.close());
  const url = new URL(server.url);
  return {
    kind: "pglite",
    version: `PGlite ${pgliteVersion()} (PostgreSQL ${(await db.query<{ server_version: string }>("show server_version")).rows[0]?.server_version ?? ""})`,
    storage: "in memory, one instance per side (each its own database)",
    issuerPostgresUrl: undefined,
    betterAuth: { host: url.hostname, port: Number(url.port), url: server.url },
    // PGlite keeps its data in memory: Durable Objects go on memory too (tmpfs), where there is one.
    durableObjectParent: existsSync(TMPFS) ? TMPFS : tmpdir(),
  };
}

export async function measureIssuerVsBetterAuth(options: IssuerBenchOptions): Promise<IssuerBenchResult> {
  const log = options.log ?? ((line: string) => console.log(`[bench] ${line}`));
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const rounds = Math.max(5, options.rounds ?? DEFAULT_ROUNDS);
  const wanDelayMs = options.wanDelayMs ?? DEFAULT_WAN_DELAY_MS;
  const roundMs = Math.max(1_000, Math.floor(options.durationMs / rounds));
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const databases = await prepareDatabases(options.postgresUrl, cleanup);
    log(`issuer vs better-auth on ${databases.kind} (${databases.version}), ${rounds} rounds of ${roundMs / 1000} s per side and distance`);

    const secrets = resolveSecrets({}, {});
    const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: databases.issuerPostgresUrl, redisUrl: undefined });
    let standInsClosed: Promise<void> | undefined;
    const closeStandIns = () => (standInsClosed ??= standIns.close());
    cleanup.push(closeStandIns);

    // Each side reaches its database through a hop that can add a round trip's delay.
    const neonEndpoint = new URL(standIns.neonFetchEndpoint);
    const neonHop = await startDelayHop({ host: neonEndpoint.hostname, port: Number(neonEndpoint.port) });
    cleanup.push(() => neonHop.close());
    const pgHop = await startDelayHop({ host: databases.betterAuth.host, port: databases.betterAuth.port });
    cleanup.push(() => pgHop.close());
    const hops = [neonHop, pgHop];

    const workDir = mkdtempSync(join(databases.durableObjectParent, "portcullis-issuer-bench-"));
    cleanup.push(() => Promise.resolve(rmSync(workDir, { recursive: true, force: true })));
    const issuerPort = await freePort();
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    const hoppedNeon = new URL(standIns.neonFetchEndpoint);
    hoppedNeon.port = String(neonHop.port);
    const vars = { LOG_LEVEL: "warn", ...issuerVars(standIns, secrets, { issuer: issuerUrl, gate: "http://127.0.0.1:1" }), NEON_FETCH_ENDPOINT: hoppedNeon.toString() };
    const issuer = await startIssuerWorkerd(ROOT, workDir, join(buildWorker("issuer"), "index.js"), issuerPort, vars);
    // The SMS sandbox closes first, so that no delivery report is still on its way to a stopped issuer.
    cleanup.push(async () => {
      await closeStandIns();
      await issuer.stop();
    });

    const hoppedPg = new URL(databases.betterAuth.url);
    hoppedPg.hostname = "127.0.0.1";
    hoppedPg.port = String(pgHop.port);
    const betterAuth = await startBetterAuth(hoppedPg.toString(), standIns, secrets);
    cleanup.push(() => betterAuth.stop());

    const apiKey = await createBenchTenant(issuerUrl, secrets.ADMIN_TOKEN);
    const callers = freshCallers();
    const flows: Record<Side, SignInFlow> = {
      ours: ourSignIn(issuerUrl, apiKey, standIns, callers),
      "better-auth": betterAuthSignIn(betterAuth.url, standIns, callers),
    };

    const serverPids: Record<Side, number | undefined> = { ours: issuer.pid, "better-auth": betterAuth.pid };
    const measure = async (side: Side, durationMs: number): Promise<MeasuredRun> => {
      const pid = serverPids[side];
      const cpuOfServer = () => (pid === undefined ? null : processCpuMs(pid));
      const [serverBefore, benchBefore] = [cpuOfServer(), ownCpuMs()];
      const run = await runSignInLoad(flows[side], { concurrency, durationMs });
      const serverAfter = cpuOfServer();
      const perSignIn = (ms: number) => (run.completed > 0 ? ms / run.completed : 0);
      return {
        ...run,
        serverCpuMs: serverBefore === null || serverAfter === null ? null : perSignIn(serverAfter - serverBefore),
        benchCpuMs: perSignIn(ownCpuMs() - benchBefore),
      };
    };

    const runAt = async (delayMs: number): Promise<{ result: DistanceResult; runs: Record<Side, MeasuredRun[]> }> => {
      for (const hop of hops) hop.roundTripMs = delayMs;
      const runs: Record<Side, MeasuredRun[]> = { ours: [], "better-auth": [] };
      for (const side of Object.keys(flows) as Side[]) await measure(side, WARM_UP_MS);
      for (let round = 0; round < rounds; round += 1) {
        // Alternate which side goes first, so drift over the run affects both alike.
        const order: Side[] = round % 2 === 0 ? ["ours", "better-auth"] : ["better-auth", "ours"];
        for (const side of order) runs[side].push(await measure(side, roundMs));
        log(`issuer vs better-auth, ${delayMs} ms per database round trip, round ${round + 1}/${rounds}: ${runs.ours.at(-1)?.perSecond.toFixed(1)} against ${runs["better-auth"].at(-1)?.perSecond.toFixed(1)} sign-ins/s`);
      }
      const ratios = runs.ours.map((run, index) => {
        const theirs = runs["better-auth"][index]?.perSecond ?? 0;
        return theirs > 0 ? run.perSecond / theirs : 0;
      });
      const ratioSpread = spread(ratios);
      return {
        result: {
          delayMs,
          ours: { perSecond: spread(runs.ours.map((run) => run.perSecond)) },
          theirs: { perSecond: spread(runs["better-auth"].map((run) => run.perSecond)) },
          ratio: ratioSpread.median,
          ratioSpread,
        },
        runs,
      };
    };
    const loopback = await runAt(0);
    const wan = await runAt(wanDelayMs);
    const roundTrips = await countRoundTrips(flows, hops);
    for (const hop of hops) hop.roundTripMs = 0;
    const durableObjectStorage = `${workDir} (${fileSystemOf(workDir)})`;
    const markdown = report({ databases, durableObjectStorage, loopback, wan, roundTrips, concurrency, roundMs, rounds });
    return {
      database: { kind: databases.kind, version: databases.version, storage: databases.storage },
      durableObjectStorage,
      loopback: loopback.result,
      wan: wan.result,
      roundTrips,
      markdown,
      ours_per_second: loopback.result.ours.perSecond.median,
      better_auth_per_second: loopback.result.theirs.perSecond.median,
      ratio: loopback.result.ratio,
    };
  } finally {
    for (const step of cleanup.reverse()) {
      try {
        await step();
      } catch (error) {
        console.error("[bench] cleanup step failed:", error instanceof Error ? error.message : error);
      }
    }
  }
}

/**
 * Sequential sign-ins, one at a time, step by step: the database exchanges each call makes
 * (counted by the hops while it runs, and in the 300 ms after it answered, its background
 * work), and the sequential round trips its latency shows: (latency with a delay − latency
 * without) ÷ the delay, medians of five.
 */
async function countRoundTrips(flows: Record<Side, SignInFlow>, hops: readonly DelayHop[]): Promise<RoundTrips> {
  const take = () => hops.reduce((sum, hop) => sum + hop.takeExchanges(), 0);
  const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
  const rows: RoundTrips["rows"][number][] = [];
  for (const side of Object.keys(flows) as Side[]) {
    const timings: Record<number, { request: number[]; verify: number[] }> = {};
    const exchanges = { request: [] as number[], requestAfter: [] as number[], verify: [] as number[], verifyAfter: [] as number[] };
    for (const delay of [0, PROBE_DELAY_MS]) {
      for (const hop of hops) hop.roundTripMs = delay;
      timings[delay] = { request: [], verify: [] };
      for (let index = 0; index < 5; index += 1) {
        await settle();
        take();
        const sample = await flows[side]({
          afterRequest: () => {
            exchanges.request.push(take());
          },
          beforeVerify: async () => {
            await settle();
            exchanges.requestAfter.push(take());
          },
        });
        exchanges.verify.push(take());
        await settle();
        exchanges.verifyAfter.push(take());
        timings[delay]?.request.push(sample.request);
        timings[delay]?.verify.push(sample.verify);
      }
    }
    for (const call of ["request", "verify"] as const) {
      const slow = median(timings[PROBE_DELAY_MS]?.[call] ?? []);
      const fast = median(timings[0]?.[call] ?? []);
      rows.push({
        side,
        call,
        during: median(call === "request" ? exchanges.request : exchanges.verify),
        after: median(call === "request" ? exchanges.requestAfter : exchanges.verifyAfter),
        sequential: Math.round(((slow - fast) / PROBE_DELAY_MS) * 10) / 10,
      });
    }
  }
  return { rows, probeDelayMs: PROBE_DELAY_MS };
}

/** The file system type a path is on, from /proc/mounts (the longest mount point that holds it). */
function fileSystemOf(path: string): string {
  try {
    const mounts = readFileSync("/proc/mounts", "utf8")
      .split("\n")
      .map((line) => line.split(" "))
      .filter((fields) => fields.length > 2 && path.startsWith(fields[1] ?? "\0"))
      .sort((a, b) => (b[1]?.length ?? 0) - (a[1]?.length ?? 0));
    return mounts[0]?.[2] ?? "unknown file system";
  } catch {
    return "unknown file system";
  }
}

function pgliteVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "node_modules", "@electric-sql", "pglite", "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "";
}

type Side = "ours" | "better-auth";

/** A round with the CPU its server process and the benchmark's own process spent per completed sign-in. */
interface MeasuredRun extends SignInRun {
  /** Null where /proc is not there to read. */
  readonly serverCpuMs: number | null;
  readonly benchCpuMs: number;
}

/** A phone and a client IP no other sign-in of the run uses. */
interface Caller {
  readonly phone: string;
  readonly ip: string;
}

/**
 * Valid US numbers in the 415 area (exchanges 200-999, lines 2000-9999), which libphonenumber
 * takes as fixed-line-or-mobile and the sandbox's Lookup never calls VOIP (that is 0180-0199).
 */
function freshCallers(): () => Caller {
  let next = 0;
  return () => {
    const n = next;
    next += 1;
    const exchange = 200 + (Math.floor(n / 8000) % 800);
    const line = 2000 + (n % 8000);
    return { phone: `+1415${exchange}${line}`, ip: `10.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}` };
  };
}

function readCode(standIns: StandIns, phone: string): Promise<string> {
  const code = codeInSms(standIns.sms.messages(phone)[0]?.body);
  return code === null ? Promise.reject(new Error("no code in the SMS sandbox")) : Promise.resolve(code);
}

async function postJson(url: string, body: unknown, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown> }> {
  const response = await fetch(url, { method: "POST", headers: { "Content-Type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // a non-JSON answer is reported through its status
  }
  return { status: response.status, json };
}

function expect(step: string, status: number, answer: { status: number; json: Record<string, unknown> }): void {
  if (answer.status !== status) {
    const error = answer.json.error as { code?: unknown } | undefined;
    const code = typeof error?.code === "string" ? ` ${error.code}` : typeof answer.json.code === "string" ? ` ${answer.json.code}` : "";
    throw new Error(`${step}: HTTP ${answer.status}${code}`);
  }
}

function ourSignIn(issuerUrl: string, apiKey: string, standIns: StandIns, callers: () => Caller): SignInFlow {
  return async (hooks) => {
    const { phone, ip } = callers();
    const headers = { "x-api-key": apiKey, "CF-Connecting-IP": ip };
    const request = await timed(() => postJson(`${issuerUrl}/api/auth/request`, { phone }, headers));
    expect("request", 202, request.value);
    hooks?.afterRequest();
    await hooks?.beforeVerify();
    const code = await timed(() => readCode(standIns, phone));
    const verify = await timed(() => postJson(`${issuerUrl}/api/auth/verify`, { phone, code: code.value }, headers));
    expect("verify", 200, verify.value);
    if (typeof verify.value.json.token !== "string" || typeof verify.value.json.refresh_token !== "string") throw new Error("verify: no tokens");
    return { request: request.ms, code: code.ms, verify: verify.ms };
  };
}

function betterAuthSignIn(baseUrl: string, standIns: StandIns, callers: () => Caller): SignInFlow {
  return async (hooks) => {
    const { phone, ip } = callers();
    const headers = { "X-Forwarded-For": ip };
    const request = await timed(() => postJson(`${baseUrl}/api/auth/phone-number/send-otp`, { phoneNumber: phone }, headers));
    expect("send-otp", 200, request.value);
    hooks?.afterRequest();
    await hooks?.beforeVerify();
    const code = await timed(() => readCode(standIns, phone));
    const verify = await timed(() => postJson(`${baseUrl}/api/auth/phone-number/verify`, { phoneNumber: phone, code: code.value }, headers));
    expect("verify", 200, verify.value);
    if (typeof verify.value.json.token !== "string") throw new Error("verify: no session token");
    return { request: request.ms, code: code.ms, verify: verify.ms };
  };
}

async function createBenchTenant(issuerUrl: string, adminToken: string): Promise<string> {
  const created = await postJson(
    `${issuerUrl}/api/admin/tenants`,
    { name: "Sign-in benchmark", slug: `bench-${Date.now()}`, settings: BENCH_TENANT_SETTINGS },
    { Authorization: `Bearer ${adminToken}` },
  );
  expect("create tenant", 201, created);
  if (typeof created.json.api_key !== "string") throw new Error("create tenant: no api_key");
  return created.json.api_key;
}

async function startBetterAuth(postgresUrl: string, standIns: StandIns, secrets: LocalSecrets): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const config: BetterAuthServerConfig = {
    postgresUrl,
    poolSize: POOL_SIZE,
    twilio: { apiBase: standIns.sms.url, accountSid: secrets.TWILIO_ACCOUNT_SID, authToken: secrets.TWILIO_AUTH_TOKEN, messagingServiceSid: secrets.TWILIO_MESSAGING_SERVICE_SID },
  };
  // `node --import tsx`, not the tsx CLI (which runs the script in a grandchild), so that the CPU read from the child's pid is the server's.
  const child = spawn(process.execPath, ["--import", "tsx", join(ROOT, "bench", "better-auth-server.ts"), JSON.stringify(config)], {
    cwd: ROOT,
    env: { ...process.env, NODE_ENV: "production", BETTER_AUTH_TELEMETRY: "0" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null) child.kill("SIGTERM");
    await exited;
  };
  try {
    return { url: `http://127.0.0.1:${await listeningPort(child)}`, pid: child.pid, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

function listeningPort(child: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let output = "";
    child.stdout?.on("data", (chunk: Buffer) => {
      output += chunk.toString();
      const port = /listening (\d+)/.exec(output)?.[1];
      if (port) resolve(Number(port));
    });
    child.once("exit", (code) => reject(new Error(`better-auth exited (${code}) before listening`)));
  });
}

interface ReportInput {
  readonly databases: Databases;
  readonly durableObjectStorage: string;
  readonly loopback: { readonly result: DistanceResult; readonly runs: Record<Side, MeasuredRun[]> };
  readonly wan: { readonly result: DistanceResult; readonly runs: Record<Side, MeasuredRun[]> };
  readonly roundTrips: RoundTrips;
  readonly concurrency: number;
  readonly roundMs: number;
  readonly rounds: number;
}

function report(input: ReportInput): string {
  const ms = (value: number) => value.toFixed(1);
  const percentiles = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.9))} / ${ms(percentile(sorted, 0.99))}`;
  };
  const cpu = (values: (number | null)[]) => {
    const known = values.filter((value): value is number => value !== null);
    return known.length === values.length ? ms(median(known)) : "n/a";
  };
  const figure = (value: Spread, digits = 1) => `${value.median.toFixed(digits)} (${value.min.toFixed(digits)} to ${value.max.toFixed(digits)})`;
  const table = (distance: ReportInput["loopback"]) => {
    const rows = (Object.entries(distance.runs) as [Side, MeasuredRun[]][]).map(([side, sideRuns]) => {
      const samples = sideRuns.flatMap((sideRun) => sideRun.samples);
      const errors = new Map<string, number>();
      for (const sideRun of sideRuns) for (const [label, count] of sideRun.errors) errors.set(label, (errors.get(label) ?? 0) + count);
      const errorText = errors.size === 0 ? "0" : [...errors].map(([label, count]) => `${count} × ${label}`).join("; ");
      const name = side === "ours" ? "Portcullis issuer (workerd)" : "better-auth phoneNumber (Node)";
      return `| ${name} | **${figure(spread(sideRuns.map((sideRun) => sideRun.perSecond)))}** | ${percentiles(samples.map((sample) => sample.total))} | ${percentiles(samples.map((sample) => sample.request))} | ${percentiles(samples.map((sample) => sample.verify))} | ${cpu(sideRuns.map((sideRun) => sideRun.serverCpuMs))} | ${cpu(sideRuns.map((sideRun) => sideRun.benchCpuMs))} | ${errorText} |`;
    });
    return [
      `**Issuer / better-auth: ${figure(distance.result.ratioSpread, 2)}×** (per round, median with the lowest and highest round)`,
      "",
      "| server | sign-ins/s, median (min to max) | full sign-in p50 / p90 / p99 ms | request p50 / p90 / p99 | verify p50 / p90 / p99 | server CPU ms / sign-in | bench process CPU ms / sign-in | errors |",
      "|---|---|---|---|---|---|---|---|",
      ...rows,
    ].join("\n");
  };
  const tripRows = input.roundTrips.rows.map(
    (row) => `| ${row.side === "ours" ? "Portcullis" : "better-auth"} | ${row.call} | ${ms(row.sequential)} | ${row.during} | ${row.after} | ${ms(row.sequential * input.wan.result.delayMs)} ms |`,
  );
  const { databases } = input;
  return `## Issuer: phone sign-ins per second against better-auth

Database: **${databases.kind === "postgresql" ? `PostgreSQL ${databases.version}` : databases.version}**, ${databases.storage}. Durable Object storage: ${input.durableObjectStorage}.

### Loopback (no added delay)

${table(input.loopback)}

### ${input.wan.result.delayMs} ms per database round trip

${table(input.wan)}

### Database round trips per call

Each side reaches its database through a TCP hop (bench/delay-hop.ts): Portcullis's issuer reaches the Neon stand-in's SQL-over-HTTP endpoint through it (one HTTP request is one round trip, as from the edge to Neon), better-auth's \`pg\` pool reaches PostgreSQL through it. *Sequential* is (latency with ${input.roundTrips.probeDelayMs} ms per round trip − latency without) ÷ ${input.roundTrips.probeDelayMs} ms, medians of five sign-ins one at a time; *exchanges* are the request-answer exchanges the hop saw during the call, and in the 300 ms after it answered (work the call left running, such as audit writes and, for Portcullis, the SMS provider's delivery reports). The last column is the floor the sequential round trips put under the call at ${input.wan.result.delayMs} ms each.

| server | call | sequential round trips | exchanges during | exchanges after | floor at ${input.wan.result.delayMs} ms |
|---|---|---:|---:|---:|---:|
${tripRows.join("\n")}

### Method

A sign-in is: ask for a code, read it from the SMS sandbox's inbox, verify it and receive the session; only sign-ins whose every step succeeded count. ${input.concurrency} closed-loop clients per side, ${input.rounds} rounds of ${(input.roundMs / 1000).toFixed(0)} s per side and distance after a ${WARM_UP_MS / 1000} s warm-up each, sides alternating and the first side swapping each round. Every sign-in is a new user with a phone and client IP no other sign-in used.

- **Portcullis**: the issuer's deploy bundle in raw \`workerd serve\`, Durable Objects on SQLite files (storage above), KV from an in-memory KV service; Neon through the Neon stand-in (${POOL_SIZE} sessions), Upstash embedded. \`POST /api/auth/request\` → \`POST /api/auth/verify\`. \`LOG_LEVEL=warn\`. The tenant's \`sms_per_prefix_per_hour\` ${BENCH_TENANT_SETTINGS.sms_per_prefix_per_hour}, \`sms_per_ip_per_hour\` ${BENCH_TENANT_SETTINGS.sms_per_ip_per_hour} and \`sms_daily_budget\` ${BENCH_TENANT_SETTINGS.sms_daily_budget} are raised; every check still runs.
- **better-auth ${betterAuthVersion()}** with its \`phoneNumber\` plugin (\`signUpOnVerification\`), \`toNodeHandler\` on node:http in its own Node process, \`NODE_ENV=production\`, a pg Pool of ${POOL_SIZE}, schema from its own \`getMigrations\`, rate limiter off. \`POST /api/auth/phone-number/send-otp\` → \`POST /api/auth/phone-number/verify\`.
- **SMS, for both**: a real HTTP call to the SMS sandbox's Twilio Messages API, awaited before answering.${databases.kind === "pglite" ? "\n- **PGlite is one session.** better-auth's pool reaches it through a wire-protocol server (bench/pglite-wire-server.ts) that runs one message at a time and keeps a client's open transaction to itself: better-auth's transactions (BEGIN … COMMIT, each statement a round trip) hold every other connection back for their whole length, and more so with a delay. The issuer's Neon stand-in serialises on its PGlite the same way, but sends a transaction as one request. Read the 10 ms figures on PGlite with that in mind; on PostgreSQL (set POSTGRES_URL) neither side is serialised." : ""}

*Server CPU* is the CPU time of the server's process (workerd with every Durable Object; better-auth's Node process) per completed sign-in; *bench process CPU* is the benchmark's own process per sign-in: the load client and SMS sandbox for both, and for Portcullis also the Neon stand-in (SQL over HTTP, where production has Neon's proxy) and the Upstash stand-in. PostgreSQL's own CPU comes on top for both. All of it shares the machine's cores.

What this models: the distance from the worker (or Node server) to its database, on both sides alike. What it does not model: the distance from clients to either server, Cloudflare's Durable Object placement and storage latency, Neon's own proxy, and a real PostgreSQL's behaviour under 10 ms clients (locks held longer). Both sides do different work per sign-in (the issuer's abuse checks, Durable Objects, audit trail, ES256 tokens and delivery reports against better-auth's session row); the round-trip table shows what each costs in database round trips.
`;
}

function betterAuthVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "node_modules", "better-auth", "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  measureIssuerVsBetterAuth({
    postgresUrl: process.env.POSTGRES_URL || undefined,
    durationMs: Number(process.env.BENCH_ISSUER_MS ?? 10_000),
    concurrency: Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY),
  })
    .then((result) => {
      console.log(result.markdown);
      console.log(JSON.stringify({ issuer_database: result.database.kind, issuer_vs_better_auth: Number(result.loopback.ratio.toFixed(3)), issuer_vs_better_auth_wan: Number(result.wan.ratio.toFixed(3)) }));
    })
    .catch((error: unknown) => {
      console.error("[bench] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
      process.exit(1);
    });
}
