/**
 * Runs the issuer's deploy bundle in raw `workerd serve` (no miniflare, no wrangler dev, which
 * roughly halve throughput): its Durable Objects as SQLite-backed namespaces on disk, its two KV
 * namespaces served by a small in-memory worker speaking workerd's KV protocol, and outbound
 * fetches allowed to loopback only, where the stand-ins listen.
 */
import { spawn } from "node:child_process";
import { copyFileSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildWorker, ROOT } from "../dev/build";
import { waitForHealth } from "../dev/wait-for-health";
import type { WorkerProcess } from "../dev/wrangler-dev";

/** The same as wrangler.toml's; the bundle was built for it. */
const COMPATIBILITY_DATE = "2026-08-01";
const DURABLE_OBJECT_CLASSES = { PHONE_CODES: "PhoneCodeGuard", RATE_LIMITER: "RateLimiter" } as const;
const KV_BINDINGS = ["JWKS_KV", "LOOKUP_CACHE"] as const;

/**
 * workerd's KV binding talks HTTP to a service: GET /<key> (404 when absent), PUT /<key> with the
 * value as body, DELETE /<key>; `?urlencoded=true` when the key is percent-encoded. Expiration is
 * ignored: nothing in a benchmark run lives long enough for it to matter.
 */
const KV_WORKER_SOURCE = `
const values = new Map();
export default {
  async fetch(request) {
    const url = new URL(request.url);
    const raw = url.pathname.slice(1);
    const key = url.searchParams.get("urlencoded") === "true" ? decodeURIComponent(raw) : raw;
    if (request.method === "GET") {
      const value = values.get(key);
      return value === undefined ? new Response("Not Found", { status: 404 }) : new Response(value);
    }
    if (request.method === "PUT") {
      values.set(key, await request.arrayBuffer());
      return new Response();
    }
    if (request.method === "DELETE") {
      values.delete(key);
      return new Response();
    }
    return new Response("Method Not Allowed", { status: 405 });
  },
};
`;

export interface IssuerWorkerdOptions {
  readonly port: number;
  readonly vars: Readonly<Record<string, string>>;
  /** Where the config, the KV worker and the Durable Objects' SQLite files go. */
  readonly dir: string;
  /** `host:port` for the V8 inspector (CPU profiles); off when undefined. */
  readonly inspectorAddress?: string | undefined;
  /** An already built bundle's folder (e.g. unminified, for profiles); the deploy build when undefined. */
  readonly bundleDir?: string | undefined;
}

export async function startIssuerInWorkerd(options: IssuerWorkerdOptions): Promise<WorkerProcess & { readonly url: string; readonly pid: number | undefined }> {
  // capnp resolves an absolute embed path against its import path, so everything sits beside the config.
  copyFileSync(join(options.bundleDir ?? buildWorker("issuer"), "index.js"), join(options.dir, "issuer.js"));
  const storageDir = join(options.dir, "durable-objects");
  mkdirSync(storageDir, { recursive: true });
  writeFileSync(join(options.dir, "kv.js"), KV_WORKER_SOURCE);
  const configFile = join(options.dir, "issuer.capnp");
  writeFileSync(configFile, workerdConfig({ ...options, storageDir }));

  const child = spawn(join(ROOT, "node_modules", "workerd", "bin", "workerd"), ["serve", configFile, ...(options.inspectorAddress ? [`--inspector-addr=${options.inspectorAddress}`] : [])], { detached: true, stdio: ["ignore", "inherit", "inherit"] });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, "SIGTERM");
    await exited;
  };
  const url = `http://127.0.0.1:${options.port}`;
  try {
    const died = exited.then((code) => Promise.reject(new Error(`workerd exited (${code}) before the issuer was healthy`)));
    await Promise.race([waitForHealth(`${url}/health`), died]);
  } catch (error) {
    await stop();
    throw error;
  }
  return { name: "issuer", url, pid: child.pid, onExit: (listener) => void exited.then(listener), stop };
}

function workerdConfig(options: IssuerWorkerdOptions & { storageDir: string }): string {
  const text = (name: string, value: string) => `(name = ${capnpString(name)}, text = ${capnpString(value)})`;
  const bindings = [
    ...Object.entries(options.vars).map(([name, value]) => text(name, value)),
    ...KV_BINDINGS.map((name) => `(name = "${name}", kvNamespace = "kv-${name}")`),
    ...Object.entries(DURABLE_OBJECT_CLASSES).map(([name, className]) => `(name = "${name}", durableObjectNamespace = (className = "${className}"))`),
  ];
  const namespaces = Object.values(DURABLE_OBJECT_CLASSES).map((className) => `(className = "${className}", uniqueKey = "portcullis-bench-${className}", enableSql = true)`);
  return `using Workerd = import "/workerd/workerd.capnp";

const config :Workerd.Config = (
  services = [
    (name = "issuer", worker = .issuer),
    ${KV_BINDINGS.map((name) => `(name = "kv-${name}", worker = .kv)`).join(",\n    ")},
    (name = "loopback", network = (allow = ["local", "private"])),
    (name = "do-storage", disk = (path = ${capnpString(options.storageDir)}, writable = true)),
  ],
  sockets = [(name = "http", address = "127.0.0.1:${options.port}", http = (), service = "issuer")],
);

const issuer :Workerd.Worker = (
  modules = [(name = "index.js", esModule = embed "issuer.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
  bindings = [
    ${bindings.join(",\n    ")},
  ],
  durableObjectNamespaces = [${namespaces.join(", ")}],
  durableObjectStorage = (localDisk = "do-storage"),
  globalOutbound = "loopback",
);

const kv :Workerd.Worker = (
  modules = [(name = "kv.js", esModule = embed "kv.js")],
  compatibilityDate = "${COMPATIBILITY_DATE}",
);
`;
}

function capnpString(value: string): string {
  return JSON.stringify(value);
}
