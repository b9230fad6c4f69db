/**
 * Complete phone sign-ins per second (request a code, read it from the SMS sandbox, verify it):
 * the issuer in raw workerd against better-auth's phoneNumber plugin on Node, both on the same
 * PostgreSQL and the same SMS sandbox, in alternating rounds at the same concurrency. Importable
 * (`measureIssuerVsBetterAuth`) and runnable on its own (`npx tsx bench/issuer.ts`, with
 * POSTGRES_URL or the local default). Prints ratios, never asserts.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { buildWorker, ROOT } from "../dev/build";
import { resolveSecrets, type LocalSecrets } from "../dev/local-settings";
import { issuerVars, startStandIns, type StandIns } from "../dev/stack";
import { throwawayDatabase, type Throwaway } from "../test/support/throwaway-database";
import { codeInSms } from "../test/support/test-identities";
import type { BetterAuthServerConfig } from "./better-auth-server";
import { freePort } from "../dev/support/free-port";
import { startIssuerWorkerd } from "./stack";
import { ownCpuMs, processCpuMs } from "./process-cpu";
import { runSignInLoad, timed, type SignInFlow, type SignInRun } from "./sign-in-load";
import { median, percentile } from "./statistics";

export interface IssuerBenchOptions {
  readonly postgresUrl: string;
  /** Measured time per side, split into rounds; warm-up and start-up come on top. */
  readonly durationMs: number;
  readonly concurrency?: number;
}

export interface IssuerBenchResult {
  readonly ours_per_second: number;
  readonly better_auth_per_second: number;
  readonly ratio: number;
  readonly markdown: string;
}

const ROUNDS = 3;
const TMPFS = "/dev/shm";
const WARM_UP_MS = 2_000;
const DEFAULT_CONCURRENCY = 16;
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

export async function measureIssuerVsBetterAuth(options: IssuerBenchOptions): Promise<IssuerBenchResult> {
  const concurrency = options.concurrency ?? DEFAULT_CONCURRENCY;
  const roundMs = Math.max(1_000, Math.floor(options.durationMs / ROUNDS));
  const cleanup: (() => Promise<void>)[] = [];
  try {
    const issuerDatabase = await throwawayDatabase(options.postgresUrl, "portcullis_bench_issuer");
    cleanup.push(() => issuerDatabase.drop());
    const betterAuthDatabase = await throwawayDatabase(options.postgresUrl, "portcullis_bench_better_auth");
    cleanup.push(() => betterAuthDatabase.drop());

    const secrets = resolveSecrets({}, {});
    const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: issuerDatabase.url, redisUrl: undefined });
    let standInsClosed: Promise<void> | undefined;
    const closeStandIns = () => (standInsClosed ??= standIns.close());
    cleanup.push(closeStandIns);

    const workDir = mkdtempSync(join(durableObjectParent(), "portcullis-issuer-bench-"));
    cleanup.push(() => Promise.resolve(rmSync(workDir, { recursive: true, force: true })));
    const issuerPort = await freePort();
    const issuerUrl = `http://127.0.0.1:${issuerPort}`;
    const vars = { LOG_LEVEL: "warn", ...issuerVars(standIns, secrets, { issuer: issuerUrl, gate: "http://127.0.0.1:1" }) };
    const issuer = await startIssuerWorkerd(ROOT, workDir, join(buildWorker("issuer"), "index.js"), issuerPort, vars);
    // The SMS sandbox closes first, so that no delivery report is still on its way to a stopped issuer.
    cleanup.push(async () => {
      await closeStandIns();
      await issuer.stop();
    });

    const betterAuth = await startBetterAuth(betterAuthDatabase, standIns, secrets);
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

    const runs: Record<Side, MeasuredRun[]> = { ours: [], "better-auth": [] };
    for (const side of Object.keys(flows) as Side[]) await measure(side, WARM_UP_MS);
    for (let round = 0; round < ROUNDS; round += 1) {
      // Alternate which side goes first, so drift over the run affects both alike.
      const order: Side[] = round % 2 === 0 ? ["ours", "better-auth"] : ["better-auth", "ours"];
      for (const side of order) runs[side].push(await measure(side, roundMs));
    }

    const ours = median(runs.ours.map((run) => run.perSecond));
    const theirs = median(runs["better-auth"].map((run) => run.perSecond));
    const ratio = theirs > 0 ? ours / theirs : 0;
    return { ours_per_second: ours, better_auth_per_second: theirs, ratio, markdown: report(runs, { concurrency, roundMs, ratio }) };
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
  return async () => {
    const { phone, ip } = callers();
    const headers = { "x-api-key": apiKey, "CF-Connecting-IP": ip };
    const request = await timed(() => postJson(`${issuerUrl}/api/auth/request`, { phone }, headers));
    expect("request", 202, request.value);
    const code = await timed(() => readCode(standIns, phone));
    const verify = await timed(() => postJson(`${issuerUrl}/api/auth/verify`, { phone, code: code.value }, headers));
    expect("verify", 200, verify.value);
    if (typeof verify.value.json.token !== "string" || typeof verify.value.json.refresh_token !== "string") throw new Error("verify: no tokens");
    return { request: request.ms, code: code.ms, verify: verify.ms };
  };
}

function betterAuthSignIn(baseUrl: string, standIns: StandIns, callers: () => Caller): SignInFlow {
  return async () => {
    const { phone, ip } = callers();
    const headers = { "X-Forwarded-For": ip };
    const request = await timed(() => postJson(`${baseUrl}/api/auth/phone-number/send-otp`, { phoneNumber: phone }, headers));
    expect("send-otp", 200, request.value);
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

/**
 * Durable Object storage stands in for Cloudflare's replicated storage, so it goes on tmpfs where
 * there is one: on a local disk every new object (each new phone and client IP makes some) costs
 * a SQLite file's creation and fsyncs that swing with whatever else uses the disk.
 */
function durableObjectParent(): string {
  return existsSync(TMPFS) ? TMPFS : tmpdir();
}

async function startBetterAuth(database: Throwaway, standIns: StandIns, secrets: LocalSecrets): Promise<{ url: string; pid: number | undefined; stop: () => Promise<void> }> {
  const config: BetterAuthServerConfig = {
    postgresUrl: database.url,
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

function report(runs: Record<Side, MeasuredRun[]>, run: { concurrency: number; roundMs: number; ratio: number }): string {
  const ms = (value: number) => value.toFixed(1);
  const spread = (values: number[]) => {
    const sorted = [...values].sort((a, b) => a - b);
    return `${ms(percentile(sorted, 0.5))} / ${ms(percentile(sorted, 0.9))} / ${ms(percentile(sorted, 0.99))}`;
  };
  const cpu = (values: (number | null)[]) => {
    const known = values.filter((value): value is number => value !== null);
    return known.length === values.length ? ms(median(known)) : "n/a";
  };
  const rows = (Object.entries(runs) as [Side, MeasuredRun[]][]).map(([side, sideRuns]) => {
    const samples = sideRuns.flatMap((sideRun) => sideRun.samples);
    const errors = new Map<string, number>();
    for (const sideRun of sideRuns) for (const [label, count] of sideRun.errors) errors.set(label, (errors.get(label) ?? 0) + count);
    const errorText = errors.size === 0 ? "0" : [...errors].map(([label, count]) => `${count} × ${label}`).join("; ");
    const rounds = sideRuns.map((sideRun) => sideRun.perSecond.toFixed(1)).join(", ");
    const name = side === "ours" ? "Portcullis issuer (workerd)" : "better-auth phoneNumber (Node)";
    return `| ${name} | **${median(sideRuns.map((sideRun) => sideRun.perSecond)).toFixed(1)}** (${rounds}) | ${spread(samples.map((s) => s.total))} | ${spread(samples.map((s) => s.request))} | ${spread(samples.map((s) => s.code))} | ${spread(samples.map((s) => s.verify))} | ${cpu(sideRuns.map((sideRun) => sideRun.serverCpuMs))} | ${cpu(sideRuns.map((sideRun) => sideRun.benchCpuMs))} | ${errorText} |`;
  });
  return `## Issuer: phone sign-ins per second against better-auth

**Issuer / better-auth: ${run.ratio.toFixed(2)}×** (target ≥ 2×)

| server | sign-ins/s, median (rounds) | full sign-in p50 / p90 / p99 ms | request p50 / p90 / p99 | read code p50 / p90 / p99 | verify p50 / p90 / p99 | server CPU ms / sign-in | bench process CPU ms / sign-in | errors |
|---|---|---|---|---|---|---|---|---|
${rows.join("\n")}

**Method.** A sign-in is: ask for a code, read it from the SMS sandbox's inbox, verify it and receive the
session; only sign-ins whose every step succeeded count. ${run.concurrency} closed-loop clients per side,
${ROUNDS} rounds of ${(run.roundMs / 1000).toFixed(0)} s per side after a ${WARM_UP_MS / 1000} s warm-up each, sides
alternating and the first side swapping each round; throughput is the median round, latencies are
percentiles over every sign-in of the measured rounds. Every sign-in is a new user with a phone and
client IP no other sign-in used.

- **Portcullis**: the issuer's deploy bundle (\`wrangler deploy --dry-run\`) in raw \`workerd serve\`,
  Durable Objects on SQLite files${durableObjectParent() === TMPFS ? " on tmpfs (see notes)" : " on local disk"}, KV from an in-memory KV service; Neon through the
  Neon stand-in on the real PostgreSQL (its own throwaway database, ${POOL_SIZE} sessions), Upstash
  embedded. \`POST /api/auth/request\` → \`POST /api/auth/verify\` (\`202\` then \`200\` with an ES256
  access token and a refresh token). \`LOG_LEVEL=warn\`.
- **better-auth ${betterAuthVersion()}** with its \`phoneNumber\` plugin (\`signUpOnVerification\`, so a new
  user gets a session), \`toNodeHandler\` on node:http in its own Node process, \`NODE_ENV=production\`,
  a pg Pool of ${POOL_SIZE} against its own throwaway database on the same PostgreSQL, schema from its
  own \`getMigrations\`. \`POST /api/auth/phone-number/send-otp\` → \`POST /api/auth/phone-number/verify\`
  (\`200\` with a session token and cookie).
- **SMS, for both**: a real HTTP call to the SMS sandbox's Twilio Messages API, awaited before
  answering. Codes are read from the sandbox's inbox in the benchmark's process.

**What was relaxed.** Portcullis: the tenant's \`sms_per_prefix_per_hour\` ${BENCH_TENANT_SETTINGS.sms_per_prefix_per_hour},
\`sms_per_ip_per_hour\` ${BENCH_TENANT_SETTINGS.sms_per_ip_per_hour}, \`sms_daily_budget\` ${BENCH_TENANT_SETTINGS.sms_daily_budget}; every check
still runs (number type and VOIP rules, risk score, the per-IP, per-prefix, daily-budget and
per-phone Durable Objects), only thresholds move, and distinct phones and IPs keep the per-phone
and per-IP limits (\`RATE_LIMIT_MAX\`) from refusing. better-auth: its rate limiter is switched
off (\`rateLimit.enabled: false\`), its logger disabled.
Durable Object storage sits on tmpfs when the machine has one: it stands in for Cloudflare's
replicated storage, and on a shared local disk each new object's SQLite file creation and fsyncs
made the issuer's latency swing tenfold with other disk traffic. PostgreSQL stays as configured
(on disk, fsync on) for both.

**Not equal work.** Per sign-in Portcullis does: a tenant lookup by API key on both calls; phone
normalisation, number-type and VOIP rules and a risk score; eight Durable Object calls (the per-IP
limit on both calls; the per-prefix, per-IP and daily-budget counters and the prefix's failure
count; the per-phone guard's reserve and verify), three of them on objects that did not exist
before (this phone's guard, this IP's two counters), each a SQLite write; keyed hashes of phone
and code; five Neon round trips over HTTP through the stand-in (request: tenant, then the OTP
request log with its audit events in one transaction; verify: tenant, user + session + refresh
token in one statement, audit); an ES256 JWT and
a hashed refresh token; and it takes the sandbox's two delivery reports per SMS on its webhook
(Twilio signature check, three more Neon round trips). better-auth stores the code in plain text
in a verification row, then reads it back, creates the user and the session, over a warm pg pool
with no HTTP hop, and answers with an opaque session token.

**Where the time goes.** The "CPU ms / sign-in" columns are CPU seconds of the server's process
(workerd, with every Durable Object in the same process; better-auth's Node process) and of the
benchmark's own process (the load client and SMS sandbox for both, and for Portcullis also the Neon
and Upstash stand-ins), divided by completed sign-ins. PostgreSQL's CPU comes on top for both.
Everything shares the machine's cores, so a side's throughput is bounded by the sum.
${run.ratio >= 2 ? "" : `
**Why below 2×, and what would close it.** The issuer is not slower per request because of
workerd: it does several times the work per sign-in (above) and, locally, pays for parts that run
elsewhere in production: the Neon stand-in (an HTTP server, a PostgreSQL session reset after every
query) and every Durable Object share this machine's cores with the worker. Changes that would
narrow the gap without weakening a guarantee: write the audit events in the same statement as
the write they describe on verify and on a delivery report too (as the code request now does),
two round trips fewer per sign-in; prepared
statements for the hot queries (drizzle builds each query's SQL anew, about a tenth of the
worker's CPU in a profile); one Durable Object per client IP holding both the /api/auth limit and
the tenant's SMS counter (a new IP then creates one object, not two, at the price of serialising
a carrier-grade NAT's tenants on one object). A per-isolate tenant cache would save two round
trips but break the contract's "that key stops working at once".
`}`
}

function betterAuthVersion(): string {
  const manifest = JSON.parse(readFileSync(join(ROOT, "node_modules", "better-auth", "package.json"), "utf8")) as { version?: unknown };
  return typeof manifest.version === "string" ? manifest.version : "";
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const postgresUrl = process.env.POSTGRES_URL ?? "postgres://portcullis:portcullis@127.0.0.1:5432/portcullis";
  measureIssuerVsBetterAuth({ postgresUrl, durationMs: Number(process.env.BENCH_ISSUER_MS ?? 24_000), concurrency: Number(process.env.BENCH_CONCURRENCY ?? DEFAULT_CONCURRENCY) })
    .then((result) => {
      console.log(result.markdown);
      console.log(JSON.stringify({ issuer_vs_better_auth: Number(result.ratio.toFixed(3)) }));
    })
    .catch((error: unknown) => {
      console.error("[bench] failed:", error instanceof Error ? error.message : error);
      process.exit(1);
    });
}
