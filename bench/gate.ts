/**
 * `npm run bench`: requests per second and latency through the gate, against a
 * pass-through Worker measured in the same run on the same machine. Both run
 * in workerd under `wrangler dev` in front of the same demo origin; rounds
 * alternate so drift affects both sides alike. Prints ratios, never asserts.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { resolveSecrets } from "../dev/local-settings";
import { gateVars, issuerVars, startStandIns } from "../dev/stack";
import { waitForHealth } from "../dev/wait-for-health";
import { startWranglerDev, type WorkerProcess } from "../dev/wrangler-dev";
import { freePort } from "../dev/support/free-port";
import { runLoad, type LoadResult } from "./load";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 4000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const PHONE = "+14155550123";

async function main(): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), "portcullis-bench-"));
  const secrets = resolveSecrets({}, {});
  const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: undefined, redisUrl: undefined });
  const [issuerPort, gatePort, passthroughPort] = [await freePort(), await freePort(), await freePort()];
  const urls = { issuer: `http://127.0.0.1:${issuerPort}`, gate: `http://127.0.0.1:${gatePort}` };
  const persistTo = join(dataDir, "wrangler");
  const workers: WorkerProcess[] = [
    startWranglerDev({ name: "issuer", root, config: "wrangler.toml", port: issuerPort, persistTo, vars: issuerVars(standIns, secrets, urls) }),
    // Its own state folder: workers starting together on one folder contend for its SQLite lock.
    startWranglerDev({ name: "passthrough", root, config: "bench/passthrough/wrangler.toml", port: passthroughPort, persistTo: join(dataDir, "passthrough"), vars: { ORIGIN_URL: standIns.origin.url } }),
  ];
  try {
    // The gate shares the issuer's folder (KV, the dev registry), so it starts once the issuer is up.
    await waitForHealth(`${urls.issuer}/health`);
    workers.push(startWranglerDev({ name: "gate", root, config: "workers/gate/wrangler.toml", port: gatePort, persistTo, vars: gateVars(standIns, secrets, urls) }));
    await waitForHealth(`${urls.gate}/__gate/health`);
    const token = await signIn(urls.issuer, secrets.ADMIN_TOKEN, standIns.sms.url);
    const passthrough = `http://127.0.0.1:${passthroughPort}`;

    const scenarios = {
      baseline: () => new Request(`${passthrough}/api/orders?page=1`, { headers: { Authorization: `Bearer ${token}` } }),
      gate: () => new Request(`${urls.gate}/api/orders?page=1`, { headers: { Authorization: `Bearer ${token}` } }),
      "gate (public route)": () => new Request(`${urls.gate}/public/orders?page=1`),
    };
    const results: Record<string, LoadResult[]> = {};
    for (const make of Object.values(scenarios)) await runLoad(make, { concurrency: CONCURRENCY, durationMs: 1000, expectStatus: 200 }); // warm-up
    for (let round = 0; round < ROUNDS; round += 1) {
      for (const [name, make] of Object.entries(scenarios)) (results[name] ??= []).push(await runLoad(make, { concurrency: CONCURRENCY, durationMs: ROUND_MS, expectStatus: 200 }));
    }
    report(results);
  } finally {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await standIns.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function signIn(issuer: string, adminToken: string, smsUrl: string): Promise<string> {
  const json = { "Content-Type": "application/json" };
  const tenant = (await (await fetch(`${issuer}/api/admin/tenants`, { method: "POST", headers: { ...json, Authorization: `Bearer ${adminToken}` }, body: JSON.stringify({ name: "Bench", slug: `bench-${Date.now()}` }) })).json()) as { api_key: string };
  const headers = { ...json, "x-api-key": tenant.api_key };
  await fetch(`${issuer}/api/auth/request`, { method: "POST", headers, body: JSON.stringify({ phone: PHONE }) });
  const inbox = (await (await fetch(`${smsUrl}/messages?to=${encodeURIComponent(PHONE)}`)).json()) as { messages: { body: string }[] };
  const code = /code is: (\d+)\./.exec(inbox.messages[0]?.body ?? "")?.[1] ?? "";
  const verified = (await (await fetch(`${issuer}/api/auth/verify`, { method: "POST", headers, body: JSON.stringify({ phone: PHONE, code }) })).json()) as { token?: string };
  if (!verified.token) throw new Error("sign-in for the benchmark failed");
  return verified.token;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

function report(results: Record<string, LoadResult[]>): void {
  const summary = Object.fromEntries(
    Object.entries(results).map(([name, runs]) => [name, { perSecond: median(runs.map((run) => run.perSecond)), p50: median(runs.map((run) => run.p50Ms)), p99: median(runs.map((run) => run.p99Ms)), errors: runs.reduce((sum, run) => sum + run.errors, 0) }]),
  );
  const baseline = summary.baseline;
  if (!baseline) return;
  console.log(`\nconcurrency ${CONCURRENCY}, ${ROUNDS} rounds of ${ROUND_MS / 1000} s each, medians; baseline = pass-through Worker to the same origin\n`);
  console.log("scenario               req/s    p50 ms   p99 ms   errors   throughput vs baseline   p50 vs baseline");
  for (const [name, row] of Object.entries(summary)) {
    console.log(
      `${name.padEnd(20)} ${row.perSecond.toFixed(0).padStart(7)} ${row.p50.toFixed(2).padStart(9)} ${row.p99.toFixed(2).padStart(8)} ${String(row.errors).padStart(8)}   ${(row.perSecond / baseline.perSecond).toFixed(2).padStart(22)}x ${(row.p50 / baseline.p50).toFixed(2).padStart(16)}x`,
    );
  }
}

main().catch((error: unknown) => {
  console.error("[bench] failed:", error instanceof Error ? error.message : error);
  process.exit(1);
});
