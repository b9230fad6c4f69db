import { readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { unstable_getMiniflareWorkerOptions } from "wrangler";
import type { Binding, WorkerSpec } from "./workerd/config";

/** The `[vars]`, Durable Object bindings and compatibility date of a wrangler config, so the bench runs each worker as configured. */
export function wranglerConfig(root: string, config: string): { vars: Record<string, string>; durableObjects: Record<string, string>; compatibilityDate: string } {
  const { workerOptions } = unstable_getMiniflareWorkerOptions(`${root}/${config}`);
  const vars = Object.fromEntries(Object.entries((workerOptions.bindings ?? {}) as Record<string, unknown>).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  const durableObjects = Object.fromEntries(
    Object.entries(workerOptions.durableObjects ?? {}).map(([binding, target]) => [binding, typeof target === "string" ? target : target.className]),
  );
  const date: unknown = workerOptions.compatibilityDate;
  if (typeof date !== "string") throw new Error(`${config} has no compatibility_date`);
  return { vars, durableObjects, compatibilityDate: date };
}

function texts(vars: Readonly<Record<string, string>>): Record<string, Binding> {
  return Object.fromEntries(Object.entries(vars).map(([name, value]) => [name, { kind: "text", value } as const]));
}

/** The .wasm modules wrangler wrote beside a bundle; the bundle imports each by its file name. */
export function wasmModulesBeside(bundle: string): { name: string; path: string }[] {
  const dir = dirname(bundle);
  return readdirSync(dir)
    .filter((file) => file.endsWith(".wasm"))
    .map((file) => ({ name: file, path: join(dir, file) }));
}

export interface IssuerWiring {
  readonly vars: Readonly<Record<string, string>>;
  readonly jwksKv: string;
  readonly lookupKv: string;
  /** An empty folder for the Durable Objects' SQLite files. */
  readonly storageDir: string;
  readonly outbound?: string;
}

export function issuerWorker(root: string, bundle: string, wiring: IssuerWiring): WorkerSpec {
  const { vars, durableObjects, compatibilityDate } = wranglerConfig(root, "wrangler.toml");
  return {
    name: "issuer",
    bundle,
    compatibilityDate,
    bindings: {
      ...texts({ ...vars, ...wiring.vars }),
      JWKS_KV: { kind: "kv", service: wiring.jwksKv },
      LOOKUP_CACHE: { kind: "kv", service: wiring.lookupKv },
      ...Object.fromEntries(Object.entries(durableObjects).map(([binding, className]) => [binding, { kind: "durableObject", className } as const])),
    },
    durableObjects: [...new Set(Object.values(durableObjects))],
    durableObjectDir: wiring.storageDir,
    wasmModules: wasmModulesBeside(bundle),
    ...(wiring.outbound ? { globalOutbound: wiring.outbound } : {}),
  };
}

export interface GateWiring {
  readonly name: string;
  readonly vars: Readonly<Record<string, string>>;
  readonly jwksKv: string;
  /** The service (an external address) the gate's ISSUER binding reaches. */
  readonly issuer: string;
  /** The Cache API service (bench/cache-server.ts). */
  readonly cache: string;
  readonly outbound?: string;
}

export function gateWorker(root: string, bundle: string, wiring: GateWiring): WorkerSpec {
  const { vars, compatibilityDate } = wranglerConfig(root, "workers/gate/wrangler.toml");
  return {
    name: wiring.name,
    bundle,
    compatibilityDate,
    bindings: { ...texts({ ...vars, ...wiring.vars }), JWKS_KV: { kind: "kv", service: wiring.jwksKv }, ISSUER: { kind: "service", service: wiring.issuer } },
    cacheApiOutbound: wiring.cache,
    ...(wiring.outbound ? { globalOutbound: wiring.outbound } : {}),
  };
}

/** A benchmark-only worker with text bindings. */
export function benchWorker(name: string, bundle: string, vars: Readonly<Record<string, string>>): WorkerSpec {
  return { name, bundle, compatibilityDate: "2026-08-01", bindings: texts(vars) };
}
