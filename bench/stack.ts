import { mkdirSync } from "node:fs";
import { join } from "node:path";
import { resolveSecrets, type LocalSecrets } from "../dev/local-settings";
import { issuerVars, startStandIns, type StandIns } from "../dev/stack";
import { startUpstashProcess, type UpstashProcess } from "./upstash-process";
import type { Bundles } from "./bundles";
import { freePort } from "../dev/support/free-port";
import { startCacheServer, type CacheServer } from "./cache-server";
import { startKvServer, type KvServer } from "./kv-server";
import { startWorkerd, type WorkerdProcess } from "./workerd/process";
import { issuerWorker } from "./workers";
import { waitForHealth } from "../dev/wait-for-health";

export interface BenchStack {
  readonly secrets: LocalSecrets;
  readonly standIns: StandIns;
  /** A second Upstash stand-in, in its own process: the large revocation list. */
  readonly largeList: UpstashProcess;
  readonly jwksKv: KvServer;
  readonly lookupKv: KvServer;
  /** The location's Cache API, shared by the gate's isolates. */
  readonly cache: CacheServer;
  readonly issuerUrl: string;
  readonly issuer: IssuerWorkerd;
  close(): Promise<void>;
}

export interface IssuerWorkerd extends WorkerdProcess {
  readonly jwksKv: KvServer;
  readonly lookupKv: KvServer;
}

/** The issuer's deploy bundle in raw workerd, its two KV namespaces served in memory; healthy when this returns. `stop` ends both. */
export async function startIssuerWorkerd(root: string, dir: string, bundle: string, port: number, vars: Readonly<Record<string, string>>): Promise<IssuerWorkerd> {
  const [jwksKv, lookupKv] = await Promise.all([startKvServer(), startKvServer()]);
  const closeKv = async (): Promise<void> => {
    await Promise.allSettled([jwksKv.close(), lookupKv.close()]);
  };
  let workerd: WorkerdProcess;
  try {
    workerd = await startWorkerd(root, "issuer", dir, {
      workers: [issuerWorker(root, bundle, { vars, jwksKv: "kv-jwks", lookupKv: "kv-lookup", storageDir: storageDir(dir, "issuer") })],
      externals: { "kv-jwks": `127.0.0.1:${jwksKv.port}`, "kv-lookup": `127.0.0.1:${lookupKv.port}` },
      sockets: [{ port, worker: "issuer" }],
    });
  } catch (error) {
    await closeKv();
    throw error;
  }
  const stop = async () => {
    await workerd.stop();
    await closeKv();
  };
  try {
    await waitForHealth(`http://127.0.0.1:${port}/health`);
  } catch (error) {
    await stop();
    throw error;
  }
  return { startupMs: workerd.startupMs, pid: workerd.pid, jwksKv, lookupKv, stop };
}

/**
 * The stand-ins (in memory), two KV namespaces, a second Upstash for the large
 * revocation list, and the issuer in raw workerd. The first JWKS request makes
 * the issuer install its keys and publish them to KV, as in production.
 */
export async function startBenchStack(root: string, dir: string, bundles: Bundles, largeListSize = 0): Promise<BenchStack> {
  const secrets = resolveSecrets({}, {});
  const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: undefined, redisUrl: undefined });
  const largeList = await startUpstashProcess({ token: secrets.UPSTASH_REDIS_REST_TOKEN, readOnlyToken: secrets.UPSTASH_REDIS_REST_READONLY_TOKEN, revokedSessions: largeListSize });
  const cache = await startCacheServer();
  const issuerPort = await freePort();
  const issuerUrl = `http://127.0.0.1:${issuerPort}`;
  const issuer = await startIssuerWorkerd(root, dir, bundles.issuer, issuerPort, issuerBenchVars(standIns, secrets, issuerUrl));
  const { jwksKv, lookupKv } = issuer;
  const close = async () => {
    await issuer.stop();
    await Promise.allSettled([cache.close(), largeList.close()]);
    await standIns.close();
  };
  try {
    const jwks = await fetch(`${issuerUrl}/.well-known/jwks.json`);
    if (!jwks.ok) throw new Error(`the issuer's JWKS answered ${jwks.status}`);
  } catch (error) {
    await close();
    throw error;
  }
  return { secrets, standIns, largeList, jwksKv, lookupKv, cache, issuerUrl, issuer, close };
}

/** The issuer's variables for the local stack, served at `issuerUrl`. */
export function issuerBenchVars(standIns: StandIns, secrets: LocalSecrets, issuerUrl: string): Record<string, string> {
  return issuerVars(standIns, secrets, { issuer: issuerUrl, gate: "http://127.0.0.1:0" });
}

/** A new, empty folder for one workerd's Durable Object storage. */
export function storageDir(dir: string, name: string): string {
  const path = join(dir, "storage", name);
  mkdirSync(path, { recursive: true });
  return path;
}
