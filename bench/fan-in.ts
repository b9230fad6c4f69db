/**
 * Fan-in, measured: Upstash reads per second when 16 gate isolates of one
 * location share its Cache API, against one isolate alone. Each isolate is its
 * own workerd process (nothing shared in memory), all pointed at one Cache API
 * server (as `caches.default` is per location) and at one Upstash stand-in
 * behind a counting proxy. Every isolate gets the same steady traffic; the
 * single and crowd runs alternate over rounds.
 */
import { readFileSync } from "node:fs";
import { createServer, request as httpRequest, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { gateVars } from "../dev/stack";
import { freePort } from "../dev/support/free-port";
import type { Bundles } from "./bundles";
import { startCacheServer } from "./cache-server";
import type { BenchStack } from "./stack";
import { spread, type Spread } from "./statistics";
import { startWorkerd, type WorkerdProcess } from "./workerd/process";
import { gateWorker, wranglerConfig } from "./workers";

export interface FanInOptions {
  readonly log: (line: string) => void;
  readonly isolates?: number;
  readonly rounds?: number;
  readonly roundMs?: number;
  /** Each isolate's traffic: one request every this many milliseconds, sequentially. */
  readonly requestEveryMs?: number;
}

export interface FanInResult {
  readonly settings: { readonly isolates: number; readonly rounds: number; readonly roundMs: number; readonly requestEveryMs: number; readonly syncMs: number };
  /** Upstash reads per second (revocation log reads and per-key lookups), over rounds. */
  readonly single: Spread;
  readonly crowd: Spread;
  /** Per round, crowd over single; the median of those, with their spread. */
  readonly ratio: number;
  readonly spread: { readonly min: number; readonly max: number };
  readonly rounds: readonly { readonly single: number; readonly crowd: number; readonly requests: { readonly single: number; readonly crowd: number } }[];
  readonly markdown: string;
}

interface UpstashCounter {
  readonly url: string;
  take(): number;
  close(): Promise<void>;
}

/** A reverse proxy in front of the Upstash stand-in that counts what reaches it. */
async function countingUpstash(target: string): Promise<UpstashCounter> {
  const upstream = new URL(target);
  let reads = 0;
  const server: Server = createServer((incoming, outgoing) => {
    reads += 1;
    const forwarded = httpRequest({ host: upstream.hostname, port: upstream.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
      outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(outgoing);
    });
    forwarded.once("error", () => {
      if (!outgoing.headersSent) outgoing.writeHead(502);
      outgoing.end();
    });
    incoming.pipe(forwarded);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    take() {
      const taken = reads;
      reads = 0;
      return taken;
    },
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export async function measureFanIn(root: string, dir: string, stack: BenchStack, bundles: Bundles, files: { readonly reusedFile: string }, options: FanInOptions): Promise<FanInResult> {
  const isolates = options.isolates ?? 16;
  const rounds = options.rounds ?? 3;
  const roundMs = options.roundMs ?? 10_000;
  const requestEveryMs = options.requestEveryMs ?? 50;
  const syncMs = Number(wranglerConfig(root, "workers/gate/wrangler.toml").vars.REVOCATION_SYNC_MS);
  const tokens = JSON.parse(readFileSync(files.reusedFile, "utf8")) as string[];
  const upstash = await countingUpstash(stack.standIns.upstash.url);
  const cache = await startCacheServer();
  const gates: { process: WorkerdProcess; url: string }[] = [];
  try {
    options.log(`fan-in: starting ${isolates} gate isolates (one workerd each) on one Cache API`);
    for (let index = 0; index < isolates; index += 1) {
      const port = await freePort();
      const vars = { ...gateVars(stack.standIns, stack.secrets, { issuer: stack.issuerUrl, gate: `http://127.0.0.1:${port}` }), UPSTASH_REDIS_REST_URL: upstash.url };
      const process = await startWorkerd(root, `gate-fan-in-${index}`, dir, {
        workers: [gateWorker(root, bundles.gate, { name: "gate", vars, jwksKv: "kv-jwks", issuer: "issuer", cache: "cache" })],
        externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, cache: `127.0.0.1:${cache.port}`, issuer: `127.0.0.1:${new URL(stack.issuerUrl).port}` },
        sockets: [{ port, worker: "gate" }],
      });
      gates.push({ process, url: `http://127.0.0.1:${port}/api/orders` });
    }

    let next = 0;
    /** Sequential requests to each of `targets`, one every `requestEveryMs`, for `durationMs`; returns the requests served. */
    const drive = async (targets: readonly string[], durationMs: number): Promise<number> => {
      const until = performance.now() + durationMs;
      let served = 0;
      await Promise.all(
        targets.map(async (url) => {
          while (performance.now() < until) {
            const sent = performance.now();
            const response = await fetch(url, { headers: { Authorization: `Bearer ${tokens[next++ % tokens.length] ?? ""}` } });
            await response.arrayBuffer();
            if (response.status !== 200) throw new Error(`a fan-in gate answered ${response.status}`);
            served += 1;
            await new Promise((resolve) => setTimeout(resolve, Math.max(0, requestEveryMs - (performance.now() - sent))));
          }
        }),
      );
      return served;
    };
    const everyone = gates.map((gate) => gate.url);
    const first = gates.slice(0, 1).map((gate) => gate.url);
    // Every isolate loads its first copy (the whole list) before anything is counted.
    await drive(everyone, 2 * syncMs + 1_000);
    const measured: FanInResult["rounds"][number][] = [];
    for (let round = 0; round < rounds; round += 1) {
      const run = async (targets: readonly string[]) => {
        // A quiet moment first, so no sync of the previous run is still in flight.
        await new Promise((resolve) => setTimeout(resolve, syncMs));
        upstash.take();
        const started = performance.now();
        const requests = await drive(targets, roundMs);
        return { perSecond: (upstash.take() * 1000) / (performance.now() - started), requests };
      };
      let single: Awaited<ReturnType<typeof run>>;
      let crowd: Awaited<ReturnType<typeof run>>;
      if (round % 2 === 0) {
        single = await run(first);
        crowd = await run(everyone);
      } else {
        crowd = await run(everyone);
        single = await run(first);
      }
      measured.push({ single: single.perSecond, crowd: crowd.perSecond, requests: { single: single.requests, crowd: crowd.requests } });
      options.log(`fan-in round ${round + 1}/${rounds}: 1 isolate ${single.perSecond.toFixed(2)} Upstash reads/s, ${isolates} isolates ${crowd.perSecond.toFixed(2)}/s (${(crowd.perSecond / single.perSecond).toFixed(2)}×)`);
    }
    const ratios = spread(measured.map((round) => round.crowd / round.single));
    const result = {
      settings: { isolates, rounds, roundMs, requestEveryMs, syncMs },
      single: spread(measured.map((round) => round.single)),
      crowd: spread(measured.map((round) => round.crowd)),
      ratio: ratios.median,
      spread: { min: ratios.min, max: ratios.max },
      rounds: measured,
    };
    return { ...result, markdown: renderFanIn(result) };
  } finally {
    await Promise.allSettled(gates.map((gate) => gate.process.stop()));
    await Promise.allSettled([cache.close(), upstash.close()]);
  }
}

function renderFanIn(result: Omit<FanInResult, "markdown">): string {
  const { settings } = result;
  const figure = (value: Spread) => `${value.median.toFixed(2)} (${value.min.toFixed(2)} to ${value.max.toFixed(2)})`;
  return [
    "## Fan-in: Upstash reads per location",
    "",
    `${settings.isolates} gate isolates, each its own workerd process, share one Cache API server and one Upstash stand-in behind a counting proxy. Each isolate gets one request every ${settings.requestEveryMs} ms (sequential, reused tokens); in the single run only the first isolate gets traffic. Every isolate has loaded its first copy before counting starts. \`REVOCATION_SYNC_MS\` is ${settings.syncMs} ms. ${settings.rounds} rounds of ${settings.roundMs / 1000} s per run, single and crowd alternating.`,
    "",
    "| | Upstash requests per second (min to max) |",
    "|---|---:|",
    `| 1 isolate | ${figure(result.single)} |`,
    `| ${settings.isolates} isolates | ${figure(result.crowd)} |`,
    `| ratio, per round | ${result.ratio.toFixed(2)} (${result.spread.min.toFixed(2)} to ${result.spread.max.toFixed(2)}) |`,
    "",
    `Per round: ${result.rounds.map((round, index) => `round ${index + 1}: ${round.single.toFixed(2)} against ${round.crowd.toFixed(2)} (${round.requests.single} and ${round.requests.crowd} gated requests)`).join("; ")}.`,
    "",
    "What this shows: how many Upstash reads the gate's sharing rules let through when many isolates of one location sync against one shared cache, with the gate's own code and the real Cache API protocol. What it does not show: how Cloudflare's cache behaves across the machines of one location (whether all of them see an entry as soon as one stored it), Upstash's real latency (a slower read leaves a longer window in which isolates miss the shared document together), or isolate eviction.",
    "",
  ].join("\n");
}
