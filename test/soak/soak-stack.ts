/**
 * The real local stack for the soak, assembled from the same parts `npm run dev`
 * and the gate benchmark use: the stand-ins (PGlite and the embedded store, or a
 * throwaway database on POSTGRES_URL and a Redis database of its own on
 * REDIS_URL) and both workers under `wrangler dev` on free loopback ports.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../../dev/build";
import { resolveSecrets, type LocalSecrets } from "../../dev/local-settings";
import { gateVars, issuerVars, startStandIns, type StandIns, type WorkerUrls } from "../../dev/stack";
import { freePort } from "../../dev/support/free-port";
import { waitForHealth } from "../../dev/wait-for-health";
import { startWranglerDev, type WorkerProcess } from "../../dev/wrangler-dev";
import { throwawayDatabase, type Throwaway } from "../support/throwaway-database";

/** Cold start is about 4 s on an idle machine; a loaded CI machine gets far more. */
const HEALTH_TIMEOUT_MS = 120_000;
/** The Redis database the soak uses on REDIS_URL; the workerd test projects use 11 and 12. */
const SOAK_REDIS_DATABASE = 13;

export interface SoakStack {
  readonly urls: WorkerUrls;
  readonly standIns: StandIns;
  readonly secrets: LocalSecrets;
  readonly backends: { readonly postgres: boolean; readonly redis: boolean };
  close(): Promise<void>;
}

export interface SoakStackOptions {
  /** Extra gate vars (the soak pins REVOCATION_SYNC_MS so it knows the bound it waits for). */
  readonly gateVars: Readonly<Record<string, string>>;
}

export async function startSoakStack(options: SoakStackOptions): Promise<SoakStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    // In reverse: workers first, then the stand-ins they talk to, then the database and the folder.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error("[soak] cleanup failed:", error));
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), "portcullis-soak-"));
    cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
    let database: Throwaway | undefined;
    if (process.env.POSTGRES_URL) {
      database = await throwawayDatabase(process.env.POSTGRES_URL);
      const dropped = database;
      cleanups.push(() => dropped.drop());
    }
    const redisUrl = process.env.REDIS_URL ? withDatabase(process.env.REDIS_URL, SOAK_REDIS_DATABASE) : undefined;
    const secrets = resolveSecrets({}, {});
    const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: database?.url, redisUrl });
    cleanups.push(() => standIns.close());
    // A run starts from an empty revocation list, whatever an earlier run left behind.
    if (redisUrl) await standIns.redisStore.execute(["FLUSHDB"]);

    const [issuerPort, gatePort] = [await freePort(), await freePort()];
    const urls = { issuer: `http://127.0.0.1:${issuerPort}`, gate: `http://127.0.0.1:${gatePort}` };
    const persistTo = join(dataDir, "wrangler");
    // Its own dev registry, so a soak never binds to the issuer of a stack already running here.
    const registryPath = join(dataDir, "registry");
    const workers: WorkerProcess[] = [];
    cleanups.push(async () => {
      await Promise.allSettled(workers.map((worker) => worker.stop()));
    });
    // One after the other: two workerd processes opening one persistence folder at the same
    // moment can meet its SQLite lock (SQLITE_BUSY) and one of them dies at start.
    const issuer = startWranglerDev({ name: "soak-issuer", root: ROOT, config: "wrangler.toml", port: issuerPort, persistTo, registryPath, vars: issuerVars(standIns, secrets, urls) });
    workers.push(issuer);
    await healthy(issuer, `${urls.issuer}/health`);
    const gate = startWranglerDev({ name: "soak-gate", root: ROOT, config: "workers/gate/wrangler.toml", port: gatePort, persistTo, registryPath, vars: { ...gateVars(standIns, secrets, urls), ...options.gateVars } });
    workers.push(gate);
    await healthy(gate, `${urls.gate}/__gate/health`);
    return { urls, standIns, secrets, backends: { postgres: database !== undefined, redis: redisUrl !== undefined }, close };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Resolves once the worker answers 200 on its health URL; fails at once if it exits first. */
async function healthy(worker: WorkerProcess, url: string): Promise<void> {
  const exited = new Promise<never>((_, reject) => worker.onExit((code) => reject(new Error(`${worker.name} exited (code ${code}) before it was healthy`))));
  const health = await Promise.race([waitForHealth(url, HEALTH_TIMEOUT_MS), exited]);
  if (health.status !== 200) throw new Error(`${worker.name} did not become healthy: ${health.status} ${JSON.stringify(health.body)}`);
}

function withDatabase(url: string, index: number): string {
  const parsed = new URL(url);
  parsed.pathname = `/${index}`;
  return parsed.toString();
}
