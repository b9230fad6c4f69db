import type { BundleSize } from "./bundles";
import type { ColdStart, SubrequestReport } from "./edge-budget";
import type { IssuerBenchResult } from "./issuer";
import type { Machine } from "./machine";
import type { SyncCost } from "./run";
import type { ScenarioSummary } from "./throughput";

export interface BenchReport {
  readonly date: Date;
  readonly machine: Machine;
  readonly settings: { connections: number; roundMs: number; rounds: number; warmupMs: number; users: number; newTokens: number; smallList: number; largeList: number };
  readonly throughput: readonly ScenarioSummary[];
  readonly syncCost: { readonly small: SyncCost; readonly large: SyncCost };
  readonly bundles: { readonly gate: BundleSize; readonly issuer: BundleSize };
  readonly subrequests: SubrequestReport;
  readonly coldStart: readonly ColdStart[];
  readonly issuer: IssuerBenchResult | null;
  readonly wallSeconds: number;
}

const fixed = (value: number, digits = 2) => (Number.isFinite(value) ? value.toFixed(digits) : "n/a");
const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function renderReport(report: BenchReport): string {
  const { machine, settings } = report;
  const rate = (name: string) => report.throughput.find((row) => row.name === name)?.perSecond ?? Number.NaN;
  const base = rate("pass-through");
  const gate = rate("gate (snapshot)");
  const gateNew = rate("gate (snapshot), new tokens");
  const joseUpstash = rate("jose + Upstash GET");
  const large = report.throughput.find((row) => row.name.includes("revoked"));
  const lines: string[] = [];
  lines.push(`# Benchmark results, ${report.date.toISOString().slice(0, 10)}`, "");
  lines.push(`Written by \`npm run bench\` (bench/run.ts) at ${report.date.toISOString()}; the whole run took ${fixed(report.wallSeconds, 0)} s.`, "");
  lines.push("## Machine", "");
  lines.push(`- ${machine.cores} cores: ${machine.cpuModel}`, `- ${machine.memoryGiB} GiB memory`, `- Node ${machine.node}, workerd ${machine.workerd}`, `- load average at the end of the run: ${machine.loadAverage}`, "");
  lines.push("## Method", "");
  lines.push(
    "- Every worker runs in **raw workerd** (`workerd serve` with a generated Cap'n Proto config, bench/workerd/), not under miniflare or `wrangler dev`, which roughly halves throughput. The gate and the issuer are the bundles `wrangler deploy --dry-run --minify` builds (dev/build.ts); the bench's own workers (pass-through, jose, sync probe) are bundled by esbuild with the same conditions.",
    "- One workerd process serves every worker under test, each on its own socket; only one scenario is loaded at a time. The issuer runs in a second workerd process. The gate reaches it through an `external` service (its `ISSUER` binding).",
    "- Dependencies are the repository's loopback stand-ins, in the bench process: the demo origin (echoes the request as JSON), the Upstash REST stand-in (embedded store), the Neon SQL-over-HTTP stand-in (PGlite), the SMS sandbox. KV is a small in-memory server speaking workerd's KV protocol (bench/kv-server.ts); the Cache API (`caches.default`) is an in-memory server behind workerd's `cacheApiOutbound` (bench/cache-server.ts), so the gate's per-location fan-in of revocation syncs works as deployed.",
    `- Load: autocannon in its own process (bench/load-client.ts), loopback only, closed loop with ${settings.connections} connections, \`GET /api/orders?page=1\` with \`Authorization: Bearer …\`. autocannon times each request; percentiles are its own. Every scenario warms up for ${settings.warmupMs / 1000} s, then ${settings.rounds} rounds of ${settings.roundMs / 1000} s each, the order rotating each round so drift hits every scenario alike. Tables show medians over rounds.`,
    `- Tokens: signed in the bench process with the issuer's **real current key**, read from its database and opened with its KEY_ENCRYPTION_SECRET, through the issuer's own \`signAccessToken\` (shared/crypto/access-token.ts). The gate cannot tell them from tokens the issuer hands out; minting ${settings.newTokens.toLocaleString("en")} of them through sign-in would take longer than the whole benchmark. "Reused": ${settings.users.toLocaleString("en")} users, one token each, sent round-robin. "New": ${settings.newTokens.toLocaleString("en")} distinct tokens (three times the gate's verified-token cache of 10,000, oldest dropped first), sent round-robin, so every request misses the cache and the gate parses, looks up the key and verifies the ES256 signature.`,
    `- Revocation lists are written in the issuer's format (shared/domain/revocation-entries.ts: \`SET rv:s:<sid> 1 PXAT …\` and a \`rv:log\` member per session), with publish times spread over the last 40 minutes. The main gate, the strict gate and the jose + Upstash worker read a list of ${settings.smallList.toLocaleString("en")} revoked sessions; the large-list gate reads ${settings.largeList.toLocaleString("en")} from a second Upstash stand-in. No bench user is revoked: every request is served (errors are counted and shown).`,
    "- The machine is shared: the load generator, workerd and every stand-in run on the same cores, so absolute numbers are low and only the ratios mean something.",
    "",
  );
  lines.push("## Gate overhead", "");
  const baseCpu = report.throughput.find((row) => row.name === "pass-through")?.workerdCpuMicros ?? null;
  lines.push("| scenario | req/s | p50 ms | p90 ms | p99 ms | errors | vs pass-through | workerd CPU per request | CPU vs pass-through |", "|---|---:|---:|---:|---:|---:|---:|---:|---:|");
  for (const row of report.throughput) {
    const cpu = row.workerdCpuMicros;
    lines.push(
      `| ${row.name} | ${fixed(row.perSecond, 0)} | ${row.p50Ms} | ${row.p90Ms} | ${row.p99Ms} | ${row.errors}${row.errors > 0 ? ` (${Object.entries(row.errorKinds).map(([kind, count]) => `${kind}: ${count}`).join(", ")})` : ""} | ${fixed(row.perSecond / base)}× | ${cpu === null ? "n/a" : `${fixed(cpu, 0)} µs`} | ${cpu === null || baseCpu === null ? "n/a" : `${fixed(cpu / baseCpu)}×`} |`,
    );
  }
  lines.push(
    "",
    "*workerd CPU per request* is the CPU time (user + system, all threads, from /proc) of the workerd process serving the scenario during each round, divided by the requests served; median over rounds. It counts only the worker side, so it is the least noisy measure of what each worker itself costs; req/s also carries the load generator and the stand-ins, which share the same cores.",
  );
  lines.push("", "Per round (req/s):", "");
  lines.push(`| scenario | ${report.throughput[0]?.rounds.map((_, index) => `round ${index + 1}`).join(" | ") ?? ""} |`, `|---|${report.throughput[0]?.rounds.map(() => "---:").join("|") ?? ""}|`);
  for (const row of report.throughput) lines.push(`| ${row.name} | ${row.rounds.map((run) => fixed(run.perSecond, 0)).join(" | ")} |`);
  lines.push(
    "",
    "- *pass-through*: forwards to the origin, nothing else (bench/passthrough).",
    "- *jose*: `createRemoteJWKSet` + `jwtVerify` (ES256, issuer, audience), then forwards (bench/jose-gate), as the usual guide writes it.",
    "- *jose + Upstash GET*: the same plus one `GET rv:s:<sid>` through @upstash/redis per request.",
    "- *gate (snapshot)*: our gate as configured in workers/gate/wrangler.toml; revocation from the isolate's snapshot.",
    "- *gate (strict)*: `GATE_REVOCATION_MODE=strict`, one `MGET` per request.",
    "",
  );
  lines.push("## Scaling with the revocation list", "");
  if (large) lines.push(`Gate throughput with ${settings.largeList.toLocaleString("en")} revoked sessions: ${fixed(large.perSecond, 0)} req/s against ${fixed(gate, 0)} with ${settings.smallList.toLocaleString("en")} (${fixed(large.perSecond / gate)}×).`, "");
  lines.push(
    "Cost of one sync, timed inside workerd by bench/sync-probe, which runs the gate's own `RevocationSnapshot` and Upstash reader against each list. *Full* is what a fresh isolate does: read the whole live log and build the snapshot. *Catch-up* is the steady-state sync every `REVOCATION_SYNC_MS`: read the last seconds of the log. \"In workerd\" is the worker's clock around `sync()` (workerd's clock moves on I/O; a timer turn after the sync makes it include the CPU work); \"round trip\" is the client's time for the request minus a no-op request. Medians of 5. Neither goes through the Cache API fan-in, which only changes who reads Upstash.",
    "",
    "| list | entries | full, in workerd | of which the Upstash read | full, round trip | catch-up, in workerd | catch-up, round trip |",
    "|---|---:|---:|---:|---:|---:|---:|",
  );
  for (const [name, cost] of Object.entries(report.syncCost)) {
    lines.push(`| ${name} | ${cost.entries.toLocaleString("en")} | ${fixed(cost.fullMs, 0)} ms | ${fixed(cost.readMs, 0)} ms | ${fixed(cost.fullRoundTripMs, 1)} ms | ${fixed(cost.incrementalMs, 0)} ms | ${fixed(cost.incrementalRoundTripMs, 1)} ms |`);
  }
  lines.push("");
  lines.push("## Edge budget", "", "### Bundle size", "", "From `wrangler deploy --dry-run --minify` (dev/build.ts), gzip level 6 by Node's zlib.", "", "| worker | bundle | gzip |", "|---|---:|---:|");
  lines.push(`| gate | ${kib(report.bundles.gate.bytes)} | ${kib(report.bundles.gate.gzipBytes)} |`, `| issuer | ${kib(report.bundles.issuer.bytes)} | ${kib(report.bundles.issuer.gzipBytes)} |`, "");
  lines.push(
    "### Subrequests per request, counted",
    "",
    "Each worker runs in a fresh workerd whose `globalOutbound` (every `fetch()`) and the gate's `ISSUER` service binding point at a counting proxy (bench/counting-proxy.ts); it names the dependency by the address the worker meant to reach and forwards the request. KV and Cache API operations are counted by the servers behind those bindings. Requests are sent one at a time; what a route hands to `waitUntil` within 150 ms of its answer is counted with it. Durable Object calls (the issuer's per-phone guard and rate limiter) stay inside workerd and are **not** in these counts. On the gate, Upstash and Cache API requests on a warm route are the snapshot's background sync that fell due during that request (at most one per \`REVOCATION_SYNC_MS\` per isolate, see the background line below); \`/__gate/health\` always syncs.",
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
  lines.push("", `Background, under steady sequential traffic (${background.requests} requests in ${fixed(background.seconds, 1)} s to one gate isolate): ${perSecond || "none"} besides one origin request per request. These are the snapshot's revocation syncs (at most one per \`REVOCATION_SYNC_MS\`, fanned in per location through the Cache API) and the JWKS refresh.`, "");
  lines.push("### Cold start", "", "A fresh workerd per attempt (empty memory and an empty Cache API: the first isolate in a location), its first request against the median of the next 20. Medians of 3 attempts.", "");
  lines.push("| worker | request | workerd start to listening | first request | warm request |", "|---|---|---:|---:|---:|");
  for (const cold of report.coldStart) lines.push(`| ${cold.worker} | ${cold.route} | ${fixed(cold.startupMs, 0)} ms | ${fixed(cold.firstMs, 1)} ms | ${fixed(cold.warmMs, 1)} ms |`);
  lines.push("");
  if (report.issuer) lines.push(report.issuer.markdown.trim(), "");
  else lines.push("## Issuer against better-auth", "", "Not measured in this run: no PostgreSQL was reachable at POSTGRES_URL (see the log).", "");
  lines.push("## Targets", "");
  lines.push("| target | measured | met |", "|---|---:|---|");
  const target = (name: string, value: number, goal: number) => `| ${name} | ${fixed(value)}× | ${value >= goal ? "yes" : "**no**"} |`;
  lines.push(
    target("gate ≥ 0.95× pass-through, reused tokens", gate / base, 0.95),
    target("gate ≥ 0.6× pass-through, new tokens", gateNew / base, 0.6),
    target("gate ≥ 2× jose + Upstash", gate / joseUpstash, 2),
    "",
  );
  lines.push(...targetNotes(report), "");
  return lines.join("\n");
}

/** Why each missed target was missed and what would close it, with this run's numbers. */
function targetNotes(report: BenchReport): string[] {
  const row = (name: string) => report.throughput.find((candidate) => candidate.name === name);
  const base = row("pass-through");
  const gate = row("gate (snapshot)");
  const gateNew = row("gate (snapshot), new tokens");
  const jose = row("jose");
  const joseUpstash = row("jose + Upstash GET");
  if (!base || !gate || !gateNew || !jose || !joseUpstash) return [];
  const cpu = (scenario: ScenarioSummary) => (scenario.workerdCpuMicros === null ? "n/a" : `${fixed(scenario.workerdCpuMicros, 0)} µs`);
  const notes: string[] = [];
  if (gate.perSecond < 0.95 * base.perSecond) {
    notes.push(
      `**Gate against pass-through, reused tokens (missed).** In workerd the gate costs ${cpu(gate)} of CPU per request against ${cpu(base)} for the pass-through. A seen token costs no signature check, so the difference is the gate's fixed per-request work, each part of it a check or a guarantee: a request id, the path and route checks, the verified-token and revocation lookups, rebuilding the forwarded headers without any identity header a client sent, and the HMAC-SHA256 that signs the identity for the origin. The proxy path already skips the router and middleware (workers/gate/app.ts); \`npm run bench:profile\` shows what is left spread over those steps and the objects they allocate, none dominant. The pass-through does almost nothing, so any real gate is a large multiple of it in CPU. Throughput suffers more than the CPU ratio says because the load generator, the origin and workerd share two cores here: each microsecond the gate spends is taken from the load generator and the origin. What would close it: at the edge the origin and the clients are elsewhere and the worker's CPU per request is what counts; on this bench, a host where the load generator and the origin do not share the worker's cores. In code, what remains is allocation on the forward path (one URL parse instead of two, fewer copies of the signed string).`,
      "",
    );
  }
  if (gateNew.perSecond < 0.6 * base.perSecond) {
    notes.push(
      `**Gate with a new token per request (missed).** Every request pays what a seen token skips: the compact-JWS parse, a strict JSON parse of header and claims, the claim schema, and one ES256 verification (${cpu(gateNew)} per request in workerd against ${cpu(gate)} for a seen token, and ${cpu(jose)} for jose, which verifies the signature every time but checks far less). The signature check is the floor and every check stays; the token work itself (parse, strict JSON, schema, signature) costs about as much as jose's whole check; the gap is the fixed per-request work above, plus the strict parser (refusing duplicate keys) and the claim schema, which a single-pass check of the nine known claims could replace.`,
      "",
    );
  }
  if (gate.perSecond < 2 * joseUpstash.perSecond) {
    notes.push(
      `**Gate against jose + Upstash (missed).** The Upstash stand-in runs in the bench process on the same loopback and answers in well under a millisecond; real Upstash is a network round trip away from an edge location (one to several milliseconds), which with a fixed number of connections lowers the jose + Upstash worker's throughput far more than here, while the snapshot gate makes no per-request call. Its per-request Upstash GET alone costs ${joseUpstash.workerdCpuMicros !== null && jose.workerdCpuMicros !== null ? `${fixed(joseUpstash.workerdCpuMicros - jose.workerdCpuMicros, 0)} µs` : "n/a"} of workerd CPU here (jose + Upstash minus jose), plus the stand-in's own CPU on the shared cores. A fair reading of this target needs the real Upstash, or a stand-in with its real latency, on another host.`,
      "",
    );
  }
  if (notes.length === 0) notes.push("Every target is met in this run.", "");
  return notes;
}
