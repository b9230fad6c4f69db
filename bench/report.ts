import type { BundleSize } from "./bundles";
import type { ColdStart, SubrequestReport } from "./edge-budget";
import type { Machine } from "./machine";
import type { ControlResult } from "./revocation-control";
import type { SyncCost } from "./run";
import type { Spread } from "./statistics";
import { pairedDifference, pairedRatio, type ScenarioSummary } from "./throughput";

/** What the report needs of the issuer comparison (bench/issuer.ts). */
export interface IssuerSection {
  readonly database: { readonly kind: string };
  readonly loopback: { readonly ratio: number };
  readonly wan: { readonly ratio: number; readonly delayMs: number; readonly ratioSpread: Spread };
  readonly markdown: string;
}

/** What the report needs of the fan-in measurement (bench/fan-in.ts). */
export interface FanInSection {
  readonly ratio: number;
  readonly spread: { readonly min: number; readonly max: number };
  readonly markdown: string;
}

export interface BenchReport {
  readonly date: Date;
  readonly machine: Machine;
  readonly settings: { connections: number; roundMs: number; rounds: number; warmupMs: number; users: number; newTokens: number; smallList: number; largeList: number };
  readonly throughput: readonly ScenarioSummary[];
  readonly control: readonly ControlResult[];
  readonly revocationSyncMs: number;
  readonly syncCost: { readonly small: SyncCost; readonly large: SyncCost };
  readonly bundles: { readonly gate: BundleSize; readonly issuer: BundleSize };
  readonly subrequests: SubrequestReport;
  readonly coldStart: readonly ColdStart[];
  readonly fanIn: FanInSection | null;
  readonly issuer: IssuerSection | null;
  readonly wallSeconds: number;
}

export const SCENARIOS = {
  passThrough: "pass-through",
  jose: "jose",
  joseUpstash: "jose + Upstash",
  gate: "gate (snapshot)",
  strict: "gate (strict)",
  newTokens: "gate (snapshot), new tokens",
} as const;

interface Target {
  readonly key: string;
  readonly what: string;
  readonly goal: { readonly at: "most" | "least"; readonly value: number };
  readonly unit: "µs" | "ms" | "×";
  readonly measured: Spread | null;
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
const digitsFor = (unit: Target["unit"]) => (unit === "×" ? 2 : unit === "ms" ? 1 : 0);
const withSpread = (measured: Spread | null, unit: Target["unit"]) => {
  if (measured === null || !Number.isFinite(measured.median)) return "not measured";
  const digits = digitsFor(unit);
  const suffix = unit === "×" ? "×" : ` ${unit}`;
  return `${fixed(measured.median, digits)}${suffix} (${fixed(measured.min, digits)} to ${fixed(measured.max, digits)})`;
};
const met = (target: Target) => {
  if (target.measured === null || !Number.isFinite(target.measured.median)) return "not measured";
  const value = target.measured.median;
  return (target.goal.at === "most" ? value <= target.goal.value : value >= target.goal.value) ? "yes" : "**no**";
};

/** The targets of this round and of the first, each read from this run's figures. */
export function targets(report: BenchReport): { round2: Target[]; round1: Target[] } {
  const row = (name: string) => report.throughput.find((candidate) => candidate.name === name && candidate.stalled === null);
  const cpu = (round: { workerdCpuMicros: number | null }) => round.workerdCpuMicros;
  const rate = (round: { perSecond: number }) => round.perSecond;
  const base = row(SCENARIOS.passThrough);
  const cold = report.coldStart.find((entry) => entry.worker === "gate" && entry.route.includes("revoked"));
  return {
    round2: [
      { key: "gate_added_cpu_us", what: "workerd CPU per request, gate minus pass-through, reused tokens", goal: { at: "most", value: 15 }, unit: "µs", measured: pairedDifference(row(SCENARIOS.gate), base, cpu) },
      { key: "gate_new_tokens_added_cpu_us", what: "the same, every token new", goal: { at: "most", value: 60 }, unit: "µs", measured: pairedDifference(row(SCENARIOS.newTokens), base, cpu) },
      { key: "gate_strict_vs_jose_upstash", what: "throughput, strict gate against jose + one Upstash round trip, same revocations checked", goal: { at: "least", value: 1.1 }, unit: "×", measured: pairedRatio(row(SCENARIOS.strict), row(SCENARIOS.joseUpstash), rate) },
      { key: "issuer_vs_better_auth_wan", what: `sign-ins per second against better-auth, ${report.issuer?.wan.delayMs ?? 10} ms per database round trip`, goal: { at: "least", value: 2 }, unit: "×", measured: report.issuer?.wan.ratioSpread ?? null },
      { key: "gate_cold_ms_100k", what: `a fresh isolate's first gated request, ${report.settings.largeList.toLocaleString("en")} revoked sessions`, goal: { at: "most", value: 50 }, unit: "ms", measured: cold ? cold.firstSpread : null },
      { key: "fan_in_upstash_reads_ratio", what: "Upstash reads per second, 16 isolates sharing a location's cache against 1", goal: { at: "most", value: 1.2 }, unit: "×", measured: report.fanIn ? { median: report.fanIn.ratio, ...report.fanIn.spread } : null },
    ],
    round1: [
      { key: "gate_vs_passthrough", what: "throughput, gate against pass-through, reused tokens", goal: { at: "least", value: 0.95 }, unit: "×", measured: pairedRatio(row(SCENARIOS.gate), base, rate) },
      { key: "gate_new_tokens_vs_passthrough", what: "the same, every token new", goal: { at: "least", value: 0.6 }, unit: "×", measured: pairedRatio(row(SCENARIOS.newTokens), base, rate) },
      { key: "gate_vs_jose_upstash", what: "throughput, snapshot gate against jose + Upstash", goal: { at: "least", value: 2 }, unit: "×", measured: pairedRatio(row(SCENARIOS.gate), row(SCENARIOS.joseUpstash), rate) },
    ],
  };
}

/** The JSON line `npm run bench` prints last. */
export function summaryKeys(report: BenchReport): Record<string, number | string | boolean | null> {
  const { round2, round1 } = targets(report);
  const row = (name: string) => report.throughput.find((candidate) => candidate.name === name && candidate.stalled === null);
  const rate = (round: { perSecond: number }) => round.perSecond;
  const value = (target: Target) => (target.measured && Number.isFinite(target.measured.median) ? Number(target.measured.median.toFixed(3)) : null);
  const large = report.throughput.find((candidate) => candidate.name.includes("revoked") && candidate.stalled === null);
  const ratio = (spread: Spread | null) => (spread && Number.isFinite(spread.median) ? Number(spread.median.toFixed(3)) : null);
  return {
    ...Object.fromEntries(round2.map((target) => [target.key, value(target)])),
    ...Object.fromEntries(round1.map((target) => [target.key, value(target)])),
    gate_vs_jose: ratio(pairedRatio(row(SCENARIOS.gate), row(SCENARIOS.jose), rate)),
    gate_strict_vs_passthrough: ratio(pairedRatio(row(SCENARIOS.strict), row(SCENARIOS.passThrough), rate)),
    gate_large_list_vs_small: ratio(pairedRatio(large, row(SCENARIOS.gate), rate)),
    issuer_vs_better_auth: report.issuer ? Number(report.issuer.loopback.ratio.toFixed(3)) : null,
    issuer_database: report.issuer?.database.kind ?? null,
    stalled_scenarios: report.throughput.filter((scenario) => scenario.stalled !== null).length,
    revocation_control_passed: report.control.length > 0 && report.control.every((result) => result.passed),
  };
}

export function renderReport(report: BenchReport): string {
  const { machine } = report;
  const lines: string[] = [];
  lines.push(`# Benchmark results, ${report.date.toISOString().slice(0, 10)}`, "");
  lines.push(`Written by \`npm run bench\` (bench/run.ts) at ${report.date.toISOString()}; the whole run took ${fixed(report.wallSeconds, 0)} s. Every figure below comes from this run.`, "");
  lines.push("## Machine and load", "");
  lines.push(
    `- ${machine.cores} cores: ${machine.cpuModel}; ${machine.memoryGiB} GiB memory`,
    `- Node ${machine.node}, ${machine.workerd}`,
    `- load average (1, 5, 15 min) at the start of the run: ${machine.loadAverageAtStart}; at the end: ${machine.loadAverage}`,
    "- Everything runs on these cores at once: the load generator, the workerd processes under test and every stand-in. Figures are ratios and CPU within this run; absolute rates are those of a small shared machine.",
    "",
  );
  lines.push(...targetTable(report));
  lines.push(...controlSection(report));
  lines.push(...methodSection(report));
  lines.push(...gateSection(report));
  lines.push(...syncSection(report));
  lines.push(...edgeBudgetSection(report));
  if (report.fanIn) lines.push(report.fanIn.markdown.trim(), "");
  else lines.push("## Fan-in", "", "Not measured in this run (see the log).", "");
  if (report.issuer) lines.push(report.issuer.markdown.trim(), "");
  else lines.push("## Issuer against better-auth", "", "Not measured in this run (see the log).", "");
  lines.push(...modelSection());
  return lines.join("\n");
}

function targetTable(report: BenchReport): string[] {
  const { round2, round1 } = targets(report);
  const lines = ["## Targets", "", "Medians over rounds, with the lowest and highest round in brackets. CPU differences and throughput ratios are taken per round, between scenarios measured in the same round, then summarised.", ""];
  lines.push("| key | what | target | measured | met |", "|---|---|---:|---:|---|");
  const goal = (target: Target) => `${target.goal.at === "most" ? "≤" : "≥"} ${target.goal.value}${target.unit === "×" ? "×" : ` ${target.unit}`}`;
  for (const target of round2) lines.push(`| \`${target.key}\` | ${target.what} | ${goal(target)} | ${withSpread(target.measured, target.unit)} | ${met(target)} |`);
  lines.push("", "Round 1's targets, measured the same way:", "", "| key | what | target | measured | met |", "|---|---|---:|---:|---|");
  for (const target of round1) lines.push(`| \`${target.key}\` | ${target.what} | ${goal(target)} | ${withSpread(target.measured, target.unit)} | ${met(target)} |`);
  lines.push("");
  return lines;
}

function controlSection(report: BenchReport): string[] {
  const lines = ["## Control: revocations during the run", ""];
  if (report.control.length === 0) return [...lines, "Not run (see the log).", ""];
  lines.push(
    `After the throughput rounds, two tokens that every benchmarked worker had just served were revoked through the issuer's own Upstash writer (shared/adapters/upstash/revocation-list.ts): one by its session, one by a mark on its user (every token issued before now). Each worker was then asked with the revoked token every 20 ms until it answered 401. The snapshot gate syncs every ${report.revocationSyncMs} ms and promises to refuse within ${2 * report.revocationSyncMs} ms; the strict gate and the jose + Upstash worker ask Upstash per request, so the first request after the write must be refused.`,
    "",
    "| worker | revoked by | bound | refused after | requests until refused | passed |",
    "|---|---|---:|---:|---:|---|",
  );
  for (const result of report.control) {
    lines.push(
      `| ${result.worker} | ${result.revocation} | ${result.boundMs === null ? "first request" : `${result.boundMs} ms`} | ${result.refusedAfterMs === null ? "never" : `${fixed(result.refusedAfterMs, 0)} ms`} | ${result.attempts} | ${result.passed ? "yes" : "**no**"} |`,
    );
  }
  lines.push("");
  return lines;
}

function methodSection(report: BenchReport): string[] {
  const { settings } = report;
  return [
    "## Method",
    "",
    "- Every worker runs in raw workerd (`workerd serve` with a generated Cap'n Proto config, bench/workerd/), not under miniflare or `wrangler dev`. The gate and the issuer are the bundles `wrangler deploy --dry-run --minify` builds (dev/build.ts); the bench's own workers (pass-through, jose, sync probe) are bundled by esbuild with the same conditions.",
    "- One workerd process serves every worker under test, each on its own socket; only one scenario is loaded at a time. The issuer runs in a second workerd process; the gate reaches it through an `external` service (its `ISSUER` binding).",
    "- Dependencies are the repository's loopback stand-ins, in the bench process: the demo origin (echoes the request as JSON), the Upstash REST stand-in, the Neon SQL-over-HTTP stand-in, the SMS sandbox. KV is a small in-memory server speaking workerd's KV protocol (bench/kv-server.ts); the Cache API is an in-memory server behind workerd's `cacheApiOutbound` (bench/cache-server.ts).",
    `- Load: autocannon in its own process (bench/load-client.ts), closed loop with ${settings.connections} connections, \`GET /api/orders?page=1\` with \`Authorization: Bearer …\`. Every scenario warms up for ${settings.warmupMs / 1000} s, then ${settings.rounds} rounds of ${settings.roundMs / 1000} s each, the order rotating each round. A round that serves no request marks its scenario *stalled*: it is left out of later rounds, and the next scenario waits until workerd is idle again.`,
    `- Tokens: signed in the bench process with the issuer's real current key (read from its database, opened with its KEY_ENCRYPTION_SECRET) through the issuer's own \`signAccessToken\`. "Reused": ${settings.users.toLocaleString("en")} users, one token each, round-robin. "New": ${settings.newTokens.toLocaleString("en")} distinct tokens, three times the gate's verified-token cache, round-robin, so every request verifies a signature.`,
    `- Revocation lists are written in the issuer's format, with publish times spread over the last 40 minutes: ${settings.smallList.toLocaleString("en")} revoked sessions for the main gate, the strict gate and the jose + Upstash worker; ${settings.largeList.toLocaleString("en")} on a second Upstash stand-in for the large-list gate. No measured token is revoked.`,
    "",
  ];
}

function gateSection(report: BenchReport): string[] {
  const base = report.throughput.find((row) => row.name === SCENARIOS.passThrough);
  const lines = ["## Gate overhead", ""];
  lines.push("| scenario | req/s (min to max) | p50 ms | p99 ms | errors | workerd CPU per request (min to max) | CPU added over pass-through (min to max) |", "|---|---:|---:|---:|---:|---:|---:|");
  for (const row of report.throughput) {
    if (row.stalled) {
      lines.push(`| ${row.name} | **stalled** in ${row.stalled.round === 0 ? "warm-up" : `round ${row.stalled.round}`} (${row.stalled.errors} errors) | | | | | |`);
      continue;
    }
    const cpu = row.cpuSpread ? withSpread(row.cpuSpread, "µs") : "n/a";
    const added = row === base ? "" : withSpread(pairedDifference(row, base, (round) => round.workerdCpuMicros), "µs");
    const errors = row.errors > 0 ? `${row.errors} (${Object.entries(row.errorKinds).map(([kind, count]) => `${kind}: ${count}`).join(", ")})` : "0";
    lines.push(`| ${row.name} | ${fixed(row.perSecond, 0)} (${fixed(row.perSecondSpread.min, 0)} to ${fixed(row.perSecondSpread.max, 0)}) | ${row.p50Ms} | ${row.p99Ms} | ${errors} | ${cpu} | ${added} |`);
  }
  lines.push(
    "",
    "*workerd CPU per request*: CPU time (user + system, all threads, from /proc) of the workerd process serving the scenario during a round, divided by the requests it served. *CPU added*: per round, the scenario's figure minus the pass-through's in the same round.",
    "",
    "- *pass-through*: forwards to the origin, nothing else (bench/passthrough).",
    "- *jose*: `createRemoteJWKSet` + `jwtVerify` (ES256, issuer, audience), then forwards (bench/jose-gate).",
    "- *jose + Upstash*: the same plus, per request, one pipelined Upstash round trip asking what the strict gate asks: the session's entry and both forms of the user's mark.",
    "- *gate (snapshot)*: the gate as configured in workers/gate/wrangler.toml; revocations from the isolate's synced snapshot.",
    "- *gate (strict)*: `GATE_REVOCATION_MODE=strict`, one Upstash round trip per request.",
    "",
    "Per round (req/s):",
    "",
  );
  const roundCount = Math.max(0, ...report.throughput.map((row) => row.rounds.length));
  lines.push(`| scenario | ${Array.from({ length: roundCount }, (_, index) => `round ${index + 1}`).join(" | ")} |`, `|---|${Array.from({ length: roundCount }, () => "---:").join("|")}|`);
  for (const row of report.throughput) lines.push(`| ${row.name} | ${Array.from({ length: roundCount }, (_, index) => { const round = row.rounds.find((candidate) => candidate.round === index + 1); return round ? fixed(round.perSecond, 0) : "—"; }).join(" | ")} |`);
  lines.push("");
  return lines;
}

function syncSection(report: BenchReport): string[] {
  const { settings } = report;
  const large = report.throughput.find((row) => row.name.includes("revoked") && row.stalled === null);
  const gate = report.throughput.find((row) => row.name === SCENARIOS.gate && row.stalled === null);
  const lines = ["## Scaling with the revocation list", ""];
  if (large && gate) lines.push(`Gate throughput with ${settings.largeList.toLocaleString("en")} revoked sessions: ${fixed(large.perSecond, 0)} req/s against ${fixed(gate.perSecond, 0)} with ${settings.smallList.toLocaleString("en")}.`, "");
  lines.push(
    "One sync, timed inside workerd by bench/sync-probe, which runs the gate's own `RevocationSnapshot` and Upstash reader against each list. *Full*: read the whole live log and build the snapshot (a fresh isolate does this in the background). *Catch-up*: the steady-state sync, reading the last seconds of the log. \"Round trip\" is the client's time for the request minus a no-op request. Medians of 5.",
    "",
    "| list | entries | full, in workerd | of which the Upstash read | full, round trip | catch-up, in workerd | catch-up, round trip |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const [name, cost] of Object.entries(report.syncCost)) {
    lines.push(`| ${name} | ${cost.entries.toLocaleString("en")} | ${fixed(cost.fullMs, 0)} ms | ${fixed(cost.readMs, 0)} ms | ${fixed(cost.fullRoundTripMs, 1)} ms | ${fixed(cost.incrementalMs, 0)} ms | ${fixed(cost.incrementalRoundTripMs, 1)} ms |`);
  }
  lines.push("");
  return lines;
}

function edgeBudgetSection(report: BenchReport): string[] {
  const lines = ["## Edge budget", "", "### Bundle size", "", "From `wrangler deploy --dry-run --minify` (dev/build.ts), gzip level 6 by Node's zlib.", "", "| worker | bundle | gzip |", "|---|---:|---:|"];
  lines.push(`| gate | ${kib(report.bundles.gate.bytes)} | ${kib(report.bundles.gate.gzipBytes)} |`, `| issuer | ${kib(report.bundles.issuer.bytes)} | ${kib(report.bundles.issuer.gzipBytes)} |`, "");
  lines.push(
    "### Subrequests per request, counted",
    "",
    "Each worker runs in a fresh workerd whose `globalOutbound` and the gate's `ISSUER` binding point at a counting proxy (bench/counting-proxy.ts); KV and Cache API operations are counted by the servers behind those bindings. Requests are sent one at a time; what a route hands to `waitUntil` within 150 ms of its answer is counted with it. Durable Object calls stay inside workerd and are not counted here.",
    "",
    "| worker | route | status | subrequests | total |",
    "|---|---|---:|---|---:|",
  );
  for (const route of report.subrequests.routes) {
    const entries = Object.entries(route.counts).sort(([a], [b]) => a.localeCompare(b));
    const total = entries.reduce((sum, [, value]) => sum + value, 0);
    lines.push(`| ${route.worker} | ${route.route} | ${route.status} | ${entries.map(([name, value]) => `${name} ${value}`).join(", ") || "none"} | ${total} |`);
  }
  const background = report.subrequests.background;
  const perSecond = Object.entries(background.counts)
    .filter(([name]) => name !== "origin")
    .map(([name, value]) => `${name} ${fixed(value / background.seconds, 1)}/s`)
    .join(", ");
  lines.push("", `Background, under steady sequential traffic (${background.requests} requests in ${fixed(background.seconds, 1)} s to one gate isolate): ${perSecond || "none"} besides one origin request per request.`, "");
  const attempts = report.coldStart[0]?.attempts ?? 0;
  lines.push(
    "### Cold start",
    "",
    `A fresh workerd per attempt (empty memory and an empty Cache API: the first isolate in a location). workerd accepts connections before it has finished starting, so the first request is sent once its CPU has gone idle; both parts of the start are shown. The first request is timed against the median of the next 20. Medians of ${attempts} attempts, with the lowest and highest first request.`,
    "",
  );
  lines.push("| worker | request | start to listening | listening to idle | first request (min to max) | warm request |", "|---|---|---:|---:|---:|---:|");
  for (const cold of report.coldStart) lines.push(`| ${cold.worker} | ${cold.route} | ${fixed(cold.startupMs, 0)} ms | ${fixed(cold.settleMs, 0)} ms | ${withSpread(cold.firstSpread, "ms")} | ${fixed(cold.warmMs, 1)} ms |`);
  lines.push("");
  return lines;
}

function modelSection(): string[] {
  return [
    "## What this run models, and what it does not",
    "",
    "- It models: the shipped bundles in workerd; the gate's and the issuer's own code paths end to end; the revocation list's real format and sizes; tokens the gate cannot tell from the issuer's.",
    "- It does not model: the network between a client, an edge location, Upstash and Neon (everything is loopback, except where a section adds a delay and says so); Cloudflare's isolate scheduling, eviction and CPU limits; the Cache API's behaviour across machines of a location; real Upstash and Neon servers. The stand-ins and the load generator share the cores with the workers under test, so every microsecond they spend is taken from the others.",
    "",
  ];
}
