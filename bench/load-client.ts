/**
 * The load generator, in its own process so it never shares an event loop
 * with the servers it measures. The orchestrator sends one job at a time over
 * IPC; autocannon drives a closed loop of `connections` clients, times every
 * request and answers with throughput and latency percentiles.
 */
import { readFileSync } from "node:fs";
import autocannon from "autocannon";
import type { LoadJob, LoadResult } from "./load";

const pools = new Map<string, { tokens: string[]; next: number }>();

function pool(file: string): { tokens: string[]; next: number } {
  let found = pools.get(file);
  if (!found) {
    found = { tokens: JSON.parse(readFileSync(file, "utf8")) as string[], next: 0 };
    pools.set(file, found);
  }
  return found;
}

async function run(job: LoadJob): Promise<LoadResult> {
  const tokens = job.tokenFile ? pool(job.tokenFile) : null;
  const result = await autocannon({
    url: job.url,
    connections: job.connections,
    duration: job.durationMs / 1000,
    requests: [
      {
        method: "GET",
        setupRequest: (request) => {
          if (!tokens) return request;
          // Round-robin through the pool; the position carries over between runs of the same pool.
          const token = tokens.tokens[tokens.next % tokens.tokens.length] ?? "";
          tokens.next += 1;
          return { ...request, headers: { ...request.headers, authorization: `Bearer ${token}` } };
        },
      },
    ],
  });
  const total = result.requests.total;
  const errorKinds: Record<string, number> = {};
  if (result.timeouts > 0) errorKinds.timeout = result.timeouts;
  if (result.errors > result.timeouts) errorKinds["connection error"] = result.errors - result.timeouts;
  for (const [status, stats] of Object.entries(result.statusCodeStats ?? {})) if (!status.startsWith("2") && stats.count) errorKinds[`HTTP ${status}`] = stats.count;
  return {
    requests: total,
    perSecond: total / result.duration,
    p50Ms: result.latency.p50,
    p90Ms: result.latency.p90,
    p99Ms: result.latency.p99,
    errors: result.errors + result.non2xx,
    errorKinds,
  };
}

process.on("message", (job: LoadJob) => {
  run(job).then(
    (result) => process.send?.({ ok: true, result }),
    (error: unknown) => process.send?.({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
});
