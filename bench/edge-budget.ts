/**
 * The edge budget, counted: every outbound request of each route, and the
 * first request of a fresh workerd against a warm one. Each worker runs in its
 * own fresh workerd whose `globalOutbound` and service bindings go through a
 * counting proxy (bench/counting-proxy.ts); KV and Cache API operations are
 * counted by the servers behind those bindings.
 */
import { readFileSync } from "node:fs";
import { gateVars } from "../dev/stack";
import type { Bundles } from "./bundles";
import { startCacheServer } from "./cache-server";
import { startCountingProxy, type CountingProxy } from "./counting-proxy";
import { freePort } from "../dev/support/free-port";
import { issuerBenchVars, storageDir, type BenchStack } from "./stack";
import { median, spread, type Spread } from "./statistics";
import { waitUntilIdle } from "./process-cpu";
import { startWorkerd } from "./workerd/process";
import { gateWorker, issuerWorker } from "./workers";

export interface RouteCount {
  readonly worker: "gate" | "issuer";
  readonly route: string;
  readonly status: number;
  /** Dependency → requests made while serving this one request (background work included). */
  readonly counts: Readonly<Record<string, number>>;
}

export interface SubrequestReport {
  readonly routes: readonly RouteCount[];
  /** The gate under steady sequential load: background revocation reads per second. */
  readonly background: { readonly seconds: number; readonly requests: number; readonly counts: Readonly<Record<string, number>> };
}

/** Background work (audit writes, revalidation) that a route hands to waitUntil is counted with it. */
const SETTLE_MS = 150;

export async function countSubrequests(root: string, dir: string, stack: BenchStack, bundles: Bundles, files: { reusedFile: string; newFile: string }): Promise<SubrequestReport> {
  const { standIns } = stack;
  const issuerPort = Number(new URL(stack.issuerUrl).port);
  const names = new Map<number, string>([
    [standIns.origin.port, "origin"],
    [standIns.upstash.port, "Upstash"],
    [standIns.neon.port, "Neon"],
    [standIns.sms.port, "SMS"],
    [issuerPort, "issuer"],
  ]);
  const proxy = await startCountingProxy(names);
  const cache = await startCacheServer();
  const routes: RouteCount[] = [];
  try {
    const counted = (worker: RouteCount["worker"]) => {
      let kv = stack.jwksKv.operations() + stack.lookupKv.operations();
      let cacheOps = cache.operations();
      return async (route: string, send: () => Promise<Response>): Promise<Response> => {
        const answer = await send();
        const response = new Response(answer.status === 204 ? null : await answer.arrayBuffer(), answer);
        await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
        const counts: Record<string, number> = { ...proxy.take() };
        const kvNow = stack.jwksKv.operations() + stack.lookupKv.operations();
        const cacheNow = cache.operations();
        if (kvNow > kv) counts.KV = kvNow - kv;
        if (cacheNow > cacheOps) counts["Cache API"] = cacheNow - cacheOps;
        kv = kvNow;
        cacheOps = cacheNow;
        routes.push({ worker, route, status: response.status, counts });
        return response;
      };
    };
    const background = await walkGate(root, dir, stack, bundles, proxy, cache.port, counted("gate"), files);
    await walkIssuer(root, dir, stack, bundles, proxy, counted("issuer"));
    return { routes, background };
  } finally {
    await Promise.allSettled([proxy.close(), cache.close()]);
  }
}

type Count = (route: string, send: () => Promise<Response>) => Promise<Response>;

async function walkGate(
  root: string,
  dir: string,
  stack: BenchStack,
  bundles: Bundles,
  proxy: CountingProxy,
  cachePort: number,
  count: Count,
  files: { reusedFile: string; newFile: string },
): Promise<SubrequestReport["background"]> {
  const [snapshotPort, strictPort] = [await freePort(), await freePort()];
  const vars = gateVars(stack.standIns, stack.secrets, { issuer: stack.issuerUrl, gate: `http://127.0.0.1:${snapshotPort}` });
  const wiring = { jwksKv: "kv-jwks", issuer: "counter", cache: "cache", outbound: "counter" };
  const gates = await startWorkerd(root, "gate-counted", dir, {
    workers: [
      gateWorker(root, bundles.gate, { ...wiring, name: "gate", vars }),
      gateWorker(root, bundles.gate, { ...wiring, name: "gate-strict", vars: { ...vars, GATE_REVOCATION_MODE: "strict" } }),
    ],
    externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, cache: `127.0.0.1:${cachePort}`, counter: `127.0.0.1:${proxy.port}` },
    sockets: [
      { port: snapshotPort, worker: "gate" },
      { port: strictPort, worker: "gate-strict" },
    ],
  });
  try {
    proxy.take();
    const reused = JSON.parse(readFileSync(files.reusedFile, "utf8")) as string[];
    const fresh = JSON.parse(readFileSync(files.newFile, "utf8")) as string[];
    const bearer = (token: string | undefined) => ({ Authorization: `Bearer ${token ?? ""}` });
    const gate = (path: string, headers: Record<string, string> = {}) => () => fetch(`http://127.0.0.1:${snapshotPort}${path}`, { headers });
    const strict = (path: string, headers: Record<string, string> = {}) => () => fetch(`http://127.0.0.1:${strictPort}${path}`, { headers });
    const forged = `${(reused[0] ?? "").slice(0, -8)}AAAAAAAA`;
    await count("GET /api/orders, valid token, first request of a fresh isolate", gate("/api/orders", bearer(reused[0])));
    await count("GET /api/orders, same token again (warm)", gate("/api/orders", bearer(reused[0])));
    await count("GET /api/orders, a token this isolate has not seen", gate("/api/orders", bearer(fresh[0])));
    await count("GET /public/page (public route)", gate("/public/page"));
    await count("GET /api/orders, no token (401)", gate("/api/orders"));
    await count("GET /api/orders, bad signature (401)", gate("/api/orders", bearer(forged)));
    await count("GET /admin/panel without the admin role (403)", gate("/admin/panel", bearer(reused[1])));
    await count("GET /__gate/health", gate("/__gate/health"));
    await count("strict mode: GET /api/orders, first request of a fresh isolate", strict("/api/orders", bearer(reused[0])));
    await count("strict mode: GET /api/orders, warm", strict("/api/orders", bearer(reused[0])));

    // Steady traffic for a few seconds: what the snapshot's background syncs cost per second.
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
    proxy.take();
    const cacheBefore = { kv: stack.jwksKv.operations() };
    const started = performance.now();
    let requests = 0;
    while (performance.now() - started < 3_000) {
      const response = await fetch(`http://127.0.0.1:${snapshotPort}/api/orders`, { headers: bearer(reused[requests % reused.length]) });
      await response.arrayBuffer();
      requests += 1;
    }
    const seconds = (performance.now() - started) / 1000;
    const counts: Record<string, number> = { ...proxy.take() };
    const kvOps = stack.jwksKv.operations() - cacheBefore.kv;
    if (kvOps > 0) counts.KV = kvOps;
    return { seconds, requests, counts };
  } finally {
    await gates.stop();
  }
}

async function walkIssuer(root: string, dir: string, stack: BenchStack, bundles: Bundles, proxy: CountingProxy, count: Count): Promise<void> {
  const port = await freePort();
  // The counted issuer serves at its own address but signs as the running issuer, so the stack stays one system.
  const vars = { ...issuerBenchVars(stack.standIns, stack.secrets, stack.issuerUrl) };
  const issuer = await startWorkerd(root, "issuer-counted", dir, {
    workers: [issuerWorker(root, bundles.issuer, { vars, jwksKv: "kv-jwks", lookupKv: "kv-lookup", storageDir: storageDir(dir, "issuer-counted"), outbound: "counter" })],
    externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, "kv-lookup": `127.0.0.1:${stack.lookupKv.port}`, counter: `127.0.0.1:${proxy.port}` },
    sockets: [{ port, worker: "issuer" }],
  });
  try {
    proxy.take();
    const base = `http://127.0.0.1:${port}`;
    const json = { "Content-Type": "application/json" };
    const admin = { ...json, Authorization: `Bearer ${stack.secrets.ADMIN_TOKEN}` };
    const call = (method: string, path: string, headers: Record<string, string>, body?: unknown) => () =>
      fetch(`${base}${path}`, { method, headers, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    const read = async <T>(response: Response) => (await response.clone().json()) as T;

    await count("GET /.well-known/jwks.json (first request of a fresh isolate)", call("GET", "/.well-known/jwks.json", {}));
    await count("GET /.well-known/jwks.json (warm)", call("GET", "/.well-known/jwks.json", {}));
    await count("GET /.well-known/openid-configuration", call("GET", "/.well-known/openid-configuration", {}));
    await count("GET /health", call("GET", "/health", {}));
    const tenant = await read<{ tenant_id: string; api_key: string; secret_key: string }>(
      await count("POST /api/admin/tenants", call("POST", "/api/admin/tenants", admin, { name: "Budget", slug: `budget-${Date.now()}` })),
    );
    await count("GET /api/admin/tenants/{id}", call("GET", `/api/admin/tenants/${tenant.tenant_id}`, admin));
    await count("PATCH /api/admin/tenants/{id}", call("PATCH", `/api/admin/tenants/${tenant.tenant_id}`, admin, { name: "Budget 2" }));
    const key = await read<{ key_id: string }>(await count("POST /api/admin/tenants/{id}/keys", call("POST", `/api/admin/tenants/${tenant.tenant_id}/keys`, admin)));
    await count("DELETE /api/admin/tenants/{id}/keys/{key_id}", call("DELETE", `/api/admin/tenants/${tenant.tenant_id}/keys/${key.key_id}`, admin));
    await count("GET /api/admin/tenants/{id}/sms-stats", call("GET", `/api/admin/tenants/${tenant.tenant_id}/sms-stats`, admin));

    const app = { ...json, "x-api-key": tenant.api_key };
    const signIn = async (phone: string, label: string) => {
      await count(`POST /api/auth/request${label}`, call("POST", "/api/auth/request", app, { phone }));
      const inbox = (await (await fetch(`${stack.standIns.sms.url}/messages?to=${encodeURIComponent(phone)}`)).json()) as { messages: { body: string }[] };
      const code = /code is: (\d+)\./.exec(inbox.messages[0]?.body ?? "")?.[1] ?? "";
      return read<{ token: string; refresh_token: string; user_id: string }>(await count(`POST /api/auth/verify${label}`, call("POST", "/api/auth/verify", app, { phone, code })));
    };
    const phone = "+14155550199";
    const first = await signIn(phone, " (new user)");
    const bearer = (token: string) => ({ ...json, Authorization: `Bearer ${token}` });
    await count("GET /api/auth/me", call("GET", "/api/auth/me", bearer(first.token)));
    await count("POST /api/auth/introspect", call("POST", "/api/auth/introspect", bearer(tenant.secret_key), { token: first.token }));
    const refreshed = await read<{ token: string }>(await count("POST /api/auth/refresh", call("POST", "/api/auth/refresh", app, { refresh_token: first.refresh_token })));
    await count("GET /api/admin/users?tenant_id=", call("GET", `/api/admin/users?tenant_id=${tenant.tenant_id}`, admin));
    await count("GET /api/admin/users/{id}", call("GET", `/api/admin/users/${first.user_id}`, admin));
    await count("PATCH /api/admin/users/{id}", call("PATCH", `/api/admin/users/${first.user_id}`, admin, { roles: ["user", "billing"] }));
    await count("GET /api/admin/audit?tenant_id=", call("GET", `/api/admin/audit?tenant_id=${tenant.tenant_id}`, admin));
    await count("POST /api/auth/logout-all", call("POST", "/api/auth/logout-all", bearer(refreshed.token)));
    const second = await signIn(phone, " (existing user)");
    await count("POST /api/auth/logout", call("POST", "/api/auth/logout", bearer(second.token)));
    await count("POST /api/admin/users/{id}/revoke-sessions", call("POST", `/api/admin/users/${first.user_id}/revoke-sessions`, admin));
    await count("DELETE /api/admin/users/{id}", call("DELETE", `/api/admin/users/${first.user_id}`, admin));
    await count("POST /api/admin/keys/rotate", call("POST", "/api/admin/keys/rotate", admin));
  } finally {
    await issuer.stop();
  }
}

export interface ColdStart {
  readonly worker: string;
  readonly route: string;
  /** Spawning workerd until its socket accepts connections (parsing and compiling the bundle included). */
  readonly startupMs: number;
  /** From then until workerd's CPU went idle: the rest of its start, which no request is part of. */
  readonly settleMs: number;
  readonly firstMs: number;
  readonly firstSpread: Spread;
  readonly warmMs: number;
  readonly attempts: number;
}

const COLD_ATTEMPTS = 5;

/**
 * A fresh workerd per attempt (nothing shared in memory, an empty Cache API:
 * the first isolate of a location), its first request, sent once workerd has
 * finished starting (its CPU idle), timed against the median of the next 20.
 * Medians of five attempts. The gate is started once
 * against the main revocation list and once against the large one
 * (`largeListUrl`), whose full load is what a fresh isolate must not wait for.
 */
export async function measureColdStart(root: string, dir: string, stack: BenchStack, bundles: Bundles, files: { newFile: string; largeListUrl: string; largeListSize: number }): Promise<ColdStart[]> {
  const tokens = JSON.parse(readFileSync(files.newFile, "utf8")) as string[];
  let next = tokens.length - 1;
  type Run = { startupMs: number; settleMs: number; firstMs: number; warmMs: number };
  // workerd accepts connections before it has finished starting; the first request waits until it has.
  const settle = (pid: number) => waitUntilIdle(pid, { shareOfCore: 0.05, intervalMs: 100, maxWaitMs: 5_000 });
  const timedRequests = async (send: () => Promise<Response>, expect: number): Promise<{ firstMs: number; warmMs: number }> => {
    const timed = async () => {
      const sent = performance.now();
      const response = await send();
      await response.arrayBuffer();
      if (response.status !== expect) throw new Error(`a cold worker answered ${response.status}`);
      return performance.now() - sent;
    };
    const firstMs = await timed();
    const warm: number[] = [];
    for (let index = 0; index < 20; index += 1) warm.push(await timed());
    return { firstMs, warmMs: median(warm) };
  };
  const coldGate = async (upstashUrl: string): Promise<Run> => {
    const cache = await startCacheServer();
    const port = await freePort();
    const vars = { ...gateVars(stack.standIns, stack.secrets, { issuer: stack.issuerUrl, gate: `http://127.0.0.1:${port}` }), UPSTASH_REDIS_REST_URL: upstashUrl };
    const gate = await startWorkerd(root, "gate-cold", dir, {
      workers: [gateWorker(root, bundles.gate, { name: "gate", vars, jwksKv: "kv-jwks", issuer: "issuer", cache: "cache" })],
      externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, cache: `127.0.0.1:${cache.port}`, issuer: `127.0.0.1:${new URL(stack.issuerUrl).port}` },
      sockets: [{ port, worker: "gate" }],
    });
    try {
      const settleMs = await settle(gate.pid);
      const send = () => fetch(`http://127.0.0.1:${port}/api/orders`, { headers: { Authorization: `Bearer ${tokens[next--] ?? ""}` } });
      return { startupMs: gate.startupMs, settleMs, ...(await timedRequests(send, 200)) };
    } finally {
      await gate.stop();
      await cache.close();
    }
  };
  const gateRuns: Run[] = [];
  const largeRuns: Run[] = [];
  const issuerRuns: Run[] = [];
  for (let attempt = 0; attempt < COLD_ATTEMPTS; attempt += 1) {
    gateRuns.push(await coldGate(stack.standIns.upstash.url));
    largeRuns.push(await coldGate(files.largeListUrl));

    const issuerPort = await freePort();
    const issuer = await startWorkerd(root, "issuer-cold", dir, {
      workers: [issuerWorker(root, bundles.issuer, { vars: issuerBenchVars(stack.standIns, stack.secrets, stack.issuerUrl), jwksKv: "kv-jwks", lookupKv: "kv-lookup", storageDir: storageDir(dir, `issuer-cold-${attempt}`) })],
      externals: { "kv-jwks": `127.0.0.1:${stack.jwksKv.port}`, "kv-lookup": `127.0.0.1:${stack.lookupKv.port}` },
      sockets: [{ port: issuerPort, worker: "issuer" }],
    });
    try {
      const settleMs = await settle(issuer.pid);
      issuerRuns.push({ startupMs: issuer.startupMs, settleMs, ...(await timedRequests(() => fetch(`http://127.0.0.1:${issuerPort}/.well-known/jwks.json`), 200)) });
    } finally {
      await issuer.stop();
    }
  }
  const summarize = (worker: string, route: string, runs: readonly Run[]): ColdStart => ({
    worker,
    route,
    startupMs: median(runs.map((run) => run.startupMs)),
    settleMs: median(runs.map((run) => run.settleMs)),
    firstMs: median(runs.map((run) => run.firstMs)),
    firstSpread: spread(runs.map((run) => run.firstMs)),
    warmMs: median(runs.map((run) => run.warmMs)),
    attempts: runs.length,
  });
  return [
    summarize("gate", "GET /api/orders with a valid token", gateRuns),
    summarize("gate", `the same, ${files.largeListSize.toLocaleString("en")} revoked sessions`, largeRuns),
    summarize("issuer", "GET /.well-known/jwks.json", issuerRuns),
  ];
}
