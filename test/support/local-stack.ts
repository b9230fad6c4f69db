/**
 * A real local stack for tests that speak HTTP to the workers from Node, assembled from the
 * same parts `npm run dev` uses: the stand-ins (PGlite and the embedded store, or a throwaway
 * database on POSTGRES_URL and a Redis database of the caller's own on REDIS_URL) and both
 * workers under `wrangler dev` on free loopback ports. The soak and the e2e project use it.
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
import { throwawayDatabase, type Throwaway } from "./throwaway-database";

/** Cold start is about 4 s on an idle machine; a loaded CI machine gets far more. */
const HEALTH_TIMEOUT_MS = 120_000;

export interface LocalStack {
  readonly urls: WorkerUrls;
  readonly standIns: StandIns;
  readonly secrets: LocalSecrets;
  readonly backends: { readonly postgres: boolean; readonly redis: boolean };
  /** The workers' shared wrangler state and dev registry, for more workers beside them (the examples). */
  readonly wrangler: { readonly persistTo: string; readonly registryPath: string };
  /** The vars the gate runs with. */
  readonly gateVars: Readonly<Record<string, string>>;
  /** Stops the issuer's process (workerd with it: in-memory state such as queued messages is gone) and starts it again on the same port and state. */
  restartIssuer(): Promise<void>;
  close(): Promise<void>;
}

export interface LocalStackOptions {
  /** Names the temporary folder, the worker processes and the log prefix. */
  readonly label: string;
  /**
   * The Redis database on REDIS_URL, flushed at start. Each user picks its own, so stacks of
   * different projects never see each other's keys: 11 and 12 are the workerd projects', 13 the
   * soak's, 14 the e2e project's.
   */
  readonly redisDatabase: number;
  /**
   * The host name in the issuer's URL (`ISSUER_URL`). The workers always listen on 127.0.0.1;
   * `localhost` resolves there too and is what a browser test needs, because WebAuthn takes no
   * IP address as RP id.
   */
  readonly issuerHost: "127.0.0.1" | "localhost";
  /** Extra vars for either worker, over the stack's own. */
  readonly issuerVars?: Readonly<Record<string, string>>;
  readonly gateVars?: Readonly<Record<string, string>>;
}

export async function startLocalStack(options: LocalStackOptions): Promise<LocalStack> {
  const cleanups: (() => Promise<void>)[] = [];
  const close = async () => {
    // In reverse: workers first, then the stand-ins they talk to, then the database and the folder.
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: unknown) => console.error(`[${options.label}] cleanup failed:`, error));
  };
  try {
    const dataDir = mkdtempSync(join(tmpdir(), `portcullis-${options.label}-`));
    cleanups.push(() => Promise.resolve(rmSync(dataDir, { recursive: true, force: true })));
    let database: Throwaway | undefined;
    if (process.env.POSTGRES_URL) {
      database = await throwawayDatabase(process.env.POSTGRES_URL);
      const dropped = database;
      cleanups.push(() => dropped.drop());
    }
    const redisUrl = process.env.REDIS_URL ? withDatabase(process.env.REDIS_URL, options.redisDatabase) : undefined;
    const secrets = resolveSecrets({}, {});
    const standIns = await startStandIns({ ports: { origin: 0, sms: 0, neon: 0, upstash: 0 }, secrets, dataDir: undefined, postgresUrl: database?.url, redisUrl });
    cleanups.push(() => standIns.close());
    // A run starts from an empty revocation list, whatever an earlier run left behind.
    if (redisUrl) await standIns.redisStore.execute(["FLUSHDB"]);

    const [issuerPort, gatePort] = [await freePort(), await freePort()];
    const urls = { issuer: `http://${options.issuerHost}:${issuerPort}`, gate: `http://127.0.0.1:${gatePort}` };
    const persistTo = join(dataDir, "wrangler");
    // Its own dev registry, so this stack never binds to the issuer of another stack running here.
    const registryPath = join(dataDir, "registry");
    const workers: WorkerProcess[] = [];
    cleanups.push(async () => {
      await Promise.allSettled(workers.map((worker) => worker.stop()));
    });
    // One after the other: two workerd processes opening one persistence folder at the same
    // moment can meet its SQLite lock (SQLITE_BUSY) and one of them dies at start.
    const startIssuer = async () => {
      const issuer = startWranglerDev({
        name: `${options.label}-issuer`, root: ROOT, config: "wrangler.toml", port: issuerPort, persistTo, registryPath,
        vars: { ...issuerVars(standIns, secrets, urls), ...options.issuerVars },
      });
      workers.push(issuer);
      await healthy(issuer, `${urls.issuer}/health`);
      return issuer;
    };
    let issuer = await startIssuer();
    const restartIssuer = async () => {
      await issuer.stop();
      workers.splice(workers.indexOf(issuer), 1);
      issuer = await startIssuer();
    };
    const gateWorkerVars = { ...gateVars(standIns, secrets, urls), ...options.gateVars };
    const gate = startWranglerDev({
      name: `${options.label}-gate`, root: ROOT, config: "workers/gate/wrangler.toml", port: gatePort, persistTo, registryPath,
      vars: gateWorkerVars,
    });
    workers.push(gate);
    await healthy(gate, `${urls.gate}/__gate/health`);
    return { urls, standIns, secrets, backends: { postgres: database !== undefined, redis: redisUrl !== undefined }, wrangler: { persistTo, registryPath }, gateVars: gateWorkerVars, restartIssuer, close };
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
