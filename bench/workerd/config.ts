/**
 * Writes a workerd configuration (Cap'n Proto text) for the benchmark: each
 * worker from its deploy bundle, with text bindings, KV namespaces and service
 * bindings pointing at loopback servers, and outbound fetches allowed to
 * loopback only. Nothing here is used by the product.
 */
import { relative } from "node:path";

export type Binding =
  | { readonly kind: "text"; readonly value: string }
  | { readonly kind: "kv"; readonly service: string }
  | { readonly kind: "service"; readonly service: string }
  | { readonly kind: "durableObject"; readonly className: string };

export interface WorkerSpec {
  readonly name: string;
  /** Absolute path of the bundle's entry module (an ES module). */
  readonly bundle: string;
  readonly compatibilityDate: string;
  readonly bindings: Readonly<Record<string, Binding>>;
  /** Durable Object classes the bundle exports, SQLite-backed, stored under `durableObjectDir`. */
  readonly durableObjects?: readonly string[];
  readonly durableObjectDir?: string;
  /** The service that plain `fetch()` goes through; "loopback" unless a counting proxy stands in. */
  readonly globalOutbound?: string;
  /** The service behind `caches.default`; without one, workerd's Cache API stores nothing. */
  readonly cacheApiOutbound?: string;
  /** WebAssembly modules the bundle imports, by the name it imports them under (wrangler writes them beside the script). */
  readonly wasmModules?: readonly { readonly name: string; readonly path: string }[];
}

export interface WorkerdConfig {
  readonly workers: readonly WorkerSpec[];
  /** Services reached over HTTP at a loopback address (a stand-in, another workerd). */
  readonly externals: Readonly<Record<string, string>>;
  /** Socket name → [port, worker]. */
  readonly sockets: readonly { readonly port: number; readonly worker: string }[];
}

/** `configDir` is where the file will be written: workerd resolves `embed` paths from there. */
export function renderWorkerdConfig(config: WorkerdConfig, configDir: string): string {
  const services = [
    ...config.workers.map((worker) => `    (name = ${text(worker.name)}, worker = ${renderWorker(worker, configDir)}),`),
    ...config.workers.filter((worker) => worker.durableObjectDir).map((worker) => `    (name = ${text(`${worker.name}-storage`)}, disk = (path = ${text(worker.durableObjectDir ?? "")}, writable = true)),`),
    ...Object.entries(config.externals).map(([name, address]) => `    (name = ${text(name)}, external = (address = ${text(address)}, http = ())),`),
    `    (name = "loopback", network = (allow = ["local", "private"])),`,
  ];
  const sockets = config.sockets.map((socket) => `    (name = ${text(`${socket.worker}-${socket.port}`)}, address = ${text(`127.0.0.1:${socket.port}`)}, http = (), service = ${text(socket.worker)}),`);
  return [
    `using Workerd = import "/workerd/workerd.capnp";`,
    ``,
    `const config :Workerd.Config = (`,
    `  services = [`,
    ...services,
    `  ],`,
    `  sockets = [`,
    ...sockets,
    `  ],`,
    `);`,
    ``,
  ].join("\n");
}

function renderWorker(worker: WorkerSpec, configDir: string): string {
  const bindings = Object.entries(worker.bindings).map(([name, binding]) => `      (name = ${text(name)}, ${renderBinding(binding)}),`);
  const durableObjects = worker.durableObjects ?? [];
  const lines = [
    `(`,
    `    modules = [(name = "index.js", esModule = embed ${text(relative(configDir, worker.bundle))})${(worker.wasmModules ?? []).map((module) => `, (name = ${text(module.name)}, wasm = embed ${text(relative(configDir, module.path))})`).join("")}],`,
    `    compatibilityDate = ${text(worker.compatibilityDate)},`,
    `    bindings = [`,
    ...bindings,
    `    ],`,
    `    globalOutbound = ${text(worker.globalOutbound ?? "loopback")},`,
  ];
  if (worker.cacheApiOutbound) lines.push(`    cacheApiOutbound = ${text(worker.cacheApiOutbound)},`);
  if (durableObjects.length > 0) {
    lines.push(
      `    durableObjectNamespaces = [${durableObjects.map((className) => `(className = ${text(className)}, uniqueKey = ${text(`${worker.name}-${className}`)}, enableSql = true)`).join(", ")}],`,
      `    durableObjectStorage = (localDisk = ${text(`${worker.name}-storage`)}),`,
    );
  }
  lines.push(`  )`);
  return lines.join("\n");
}

function renderBinding(binding: Binding): string {
  switch (binding.kind) {
    case "text":
      return `text = ${text(binding.value)}`;
    case "kv":
      return `kvNamespace = ${text(binding.service)}`;
    case "service":
      return `service = ${text(binding.service)}`;
    case "durableObject":
      return `durableObjectNamespace = (className = ${text(binding.className)})`;
  }
}

/** A Cap'n Proto text literal: JSON string escaping is a subset it accepts. */
function text(value: string): string {
  return JSON.stringify(value);
}
