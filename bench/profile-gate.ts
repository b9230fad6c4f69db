/**
 * `npm run bench:profile`: a CPU profile of the gate under load, in raw
 * workerd, through its inspector. Prints the functions with the most self
 * time (the bundle is built unminified so names survive). A tool for finding
 * the gate's own costs; it measures nothing the report relies on.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { spawn } from "node:child_process";
import { build } from "esbuild";
import { gateVars } from "../dev/stack";
import { newId } from "../shared/crypto/ids";
import { buildBundles } from "./bundles";
import { freePort } from "../dev/support/free-port";
import { LoadClient } from "./load";
import { startBenchStack } from "./stack";
import { benchUsers, issuerSigner, mintTokens } from "./tokens";
import { renderWorkerdConfig } from "./workerd/config";
import { workerdBinary } from "./workerd/process";
import { benchWorker, gateWorker } from "./workers";

const benchDir = dirname(fileURLToPath(import.meta.url));
const root = join(benchDir, "..");
const TOKENS = process.env.PROFILE_TOKENS === "new" ? 30_000 : 1_000;

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-profile-"));
  const bundles = await buildBundles(root, dir);
  const gateBundle = join(dir, "gate-unminified", "index.js");
  await build({ entryPoints: [join(root, "workers/gate/index.ts")], outfile: gateBundle, bundle: true, format: "esm", platform: "neutral", target: "es2022", conditions: ["workerd", "worker", "browser"], mainFields: ["browser", "module", "main"], logLevel: "error" });
  const stack = await startBenchStack(root, dir, bundles);
  const load = new LoadClient(benchDir);
  const [port, inspectorPort] = [await freePort(), await freePort()];
  const configPath = join(dir, "profile.capnp");
  writeFileSync(
    configPath,
    renderWorkerdConfig(
      {
        workers: [
          process.env.PROFILE_WORKER === "passthrough"
            ? benchWorker("gate", bundles.bench.passthrough, { ORIGIN_URL: stack.standIns.origin.url })
            : gateWorker(root, gateBundle, {
                name: "gate",
                vars: { ...gateVars(stack.standIns, stack.secrets, { issuer: stack.issuerUrl, gate: `http://127.0.0.1:${port}` }), ...(process.env.PROFILE_REVOCATION_MODE === "strict" ? { GATE_REVOCATION_MODE: "strict" } : {}) },
                jwksKv: "kv-jwks",
                issuer: "issuer",
                cache: "cache",
              }),
        ],
        externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, cache: `127.0.0.1:${stack.cache.port}`, issuer: `127.0.0.1:${new URL(stack.issuerUrl).port}` },
        sockets: [{ port, worker: "gate" }],
      },
      dir,
    ),
  );
  const workerd = spawn(workerdBinary(root), ["serve", configPath, `--inspector-addr=127.0.0.1:${inspectorPort}`], { detached: true, stdio: "ignore" });
  try {
    const signer = await issuerSigner({ url: stack.standIns.databaseUrl, fetchEndpoint: stack.standIns.neonFetchEndpoint }, stack.secrets.KEY_ENCRYPTION_SECRET);
    const tokenFile = join(dir, "tokens.json");
    writeFileSync(tokenFile, JSON.stringify(await mintTokens(signer, { iss: stack.issuerUrl, aud: "portcullis", tid: newId("tn") }, benchUsers(1_000), TOKENS)));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const url = `http://127.0.0.1:${port}/api/orders?page=1`;
    // PROFILE_COLD=1: the first request of the fresh isolate alone, nothing before it.
    const cold = process.env.PROFILE_COLD === "1";
    if (!cold) await load.run({ url, connections: 16, durationMs: 2_000, tokenFile });
    const targets = (await (await fetch(`http://127.0.0.1:${inspectorPort}/json/list`)).json()) as { webSocketDebuggerUrl: string; title?: string }[];
    const target = targets[0];
    if (!target) throw new Error("no inspector target");
    const socket = new WebSocket(target.webSocketDebuggerUrl);
    await new Promise((resolve, reject) => {
      socket.onopen = resolve;
      socket.onerror = reject;
    });
    let nextId = 1;
    const pending = new Map<number, (value: unknown) => void>();
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as { id?: number; result?: unknown };
      if (message.id !== undefined) pending.get(message.id)?.(message.result);
    };
    const send = (method: string, params: object = {}) =>
      new Promise<unknown>((resolve) => {
        const id = nextId++;
        pending.set(id, resolve);
        socket.send(JSON.stringify({ id, method, params }));
      });
    await send("Profiler.enable");
    await send("Profiler.setSamplingInterval", { interval: 100 });
    await send("Profiler.start");
    let measured: string;
    if (cold) {
      const sent = performance.now();
      const response = await fetch(url, { headers: { Authorization: `Bearer ${(JSON.parse(readFileSync(tokenFile, "utf8")) as string[])[0] ?? ""}` } });
      await response.arrayBuffer();
      measured = `first request: ${response.status} in ${(performance.now() - sent).toFixed(1)} ms under the profiler`;
    } else {
      const result = await load.run({ url, connections: 16, durationMs: 5_000, tokenFile });
      measured = `${result.perSecond.toFixed(0)} req/s under the profiler`;
    }
    const { profile } = (await send("Profiler.stop")) as { profile: Profile };
    socket.close();
    console.log(measured);
    summarize(profile);
  } finally {
    load.close();
    if (workerd.pid) process.kill(-workerd.pid, "SIGTERM");
    await stack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function summarize(profile: Profile): void {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const self = new Map<string, number>();
  let total = 0;
  profile.samples.forEach((id, index) => {
    const node = byId.get(id);
    const delta = profile.timeDeltas[index] ?? 0;
    total += delta;
    if (!node) return;
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"} ${url.split("/").pop() ?? ""}:${lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + delta);
  });
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40);
  console.log("self time:");
  for (const [key, micros] of rows) console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);

  // Inclusive time: each sample counts once for every distinct function on its stack.
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const inclusive = new Map<string, number>();
  profile.samples.forEach((id, index) => {
    const delta = profile.timeDeltas[index] ?? 0;
    const seen = new Set<string>();
    for (let current: number | undefined = id; current !== undefined; current = parent.get(current)) {
      const frame = byId.get(current)?.callFrame;
      if (!frame) break;
      const key = `${frame.functionName || "(anonymous)"} ${frame.url.split("/").pop() ?? ""}:${frame.lineNumber + 1}`;
      if (seen.has(key)) continue;
      seen.add(key);
      inclusive.set(key, (inclusive.get(key) ?? 0) + delta);
    }
  });
  console.log("inclusive time:");
  for (const [key, micros] of [...inclusive.entries()].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${((micros / total) * 100).toFixed(1).padStart(5)}%  ${key}`);
}

main().catch((error: unknown) => {
  console.error("[profile] failed:", error instanceof Error ? (error.stack ?? error.message) : error);
  process.exit(1);
});
