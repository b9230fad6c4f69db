/**
 * Vitest global setup for the workerd projects: starts the stand-ins on free
 * ports (in memory, or in front of a throwaway database on the real PostgreSQL
 * and Redis when POSTGRES_URL / REDIS_URL are set), applies the migrations and
 * provides the workers' bindings to the pool.
 */
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import { resolveSecrets } from "../../dev/local-settings";
import { gateVars, issuerVars, startStandIns } from "../../dev/stack";
import { startCanary } from "./canary-server";
import { startPasskeyAuthenticator } from "./passkey-authenticator-server";
import { startScriptedProvider } from "./scripted-provider-server";
import { switchable } from "./switchable-server";
import { throwawayDatabase, type Throwaway } from "./throwaway-database";


/** Loopback addresses the worker under test calls itself by; the pool never listens on them. */
const ISSUER_URL = "http://issuer.test";
const GATE_URL = "http://gate.test";

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const secrets = resolveSecrets({}, {});
  let database: Throwaway | undefined;
  if (process.env.POSTGRES_URL) database = await throwawayDatabase(process.env.POSTGRES_URL);
  const redisUrl = process.env.REDIS_URL ? redisDatabase(process.env.REDIS_URL, project.name) : undefined;
  const standIns = await startStandIns({
    ports: { origin: 0, sms: 0, neon: 0, upstash: 0 },
    secrets,
    dataDir: undefined,
    postgresUrl: database?.url,
    redisUrl,
    // A fresh secret per run, so no test can pass by knowing the local default.
    turnstileSecretKey: `0x4AAAAAAA${randomBytes(16).toString("hex")}`,
  });
  // A run starts from an empty Redis database, whatever an earlier run left behind.
  if (redisUrl) await standIns.redisStore.execute(["FLUSHDB"]);
  const canary = await startCanary();
  const passkeyAuthenticator = await startPasskeyAuthenticator();
  const scriptedProvider = await startScriptedProvider();
  // Second addresses for Upstash and Neon, which degradation tests stop and start.
  const switchableUpstash = await switchable(standIns.upstash.url);
  const switchableNeon = await switchable(standIns.neon.url);
  const urls = { issuer: ISSUER_URL, gate: GATE_URL };
  // Apple's endpoints are fixed (no discovery); the local-stack variable moves them onto the scripted provider.
  project.provide("issuerBindings", {
    ...issuerVars(standIns, secrets, urls),
    LOCAL_APPLE_ISSUER: `${scriptedProvider.url}/apple`,
    // Webhook retries a test can wait for: three, a second apart, and a two-second attempt timeout.
    WEBHOOK_RETRY_DELAYS: "1,1,1",
    WEBHOOK_TIMEOUT_SECONDS: "2",
  });
  project.provide("gateBindings", gateVars(standIns, secrets, urls));
  project.provide("smsSandboxUrl", standIns.sms.url);
  project.provide("originUrl", standIns.origin.url);
  project.provide("canaryUrl", canary.url);
  project.provide("switchableUpstashUrl", switchableUpstash.url);
  project.provide("upstashControlUrl", switchableUpstash.controlUrl);
  project.provide("switchableNeonFetchEndpoint", new URL("/sql", switchableNeon.url).toString());
  project.provide("neonControlUrl", switchableNeon.controlUrl);
  project.provide("turnstileSiteverifyUrl", standIns.turnstileSiteverifyUrl);
  project.provide("turnstileSecretKey", standIns.turnstileSecretKey);
  project.provide("propertyRuns", propertyRuns());
  project.provide("passkeyAuthenticatorUrl", passkeyAuthenticator.url);
  project.provide("scriptedProviderUrl", scriptedProvider.url);
  return async () => {
    await Promise.all([switchableUpstash.close(), switchableNeon.close(), canary.close(), passkeyAuthenticator.close(), scriptedProvider.close()]);
    await standIns.close();
    await database?.drop();
  };
}

function propertyRuns(): { seed: number | null; path: string | null; scale: number } {
  const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : null;
  const scale = process.env.FC_RUNS_SCALE ? Number(process.env.FC_RUNS_SCALE) : 1;
  return { seed: Number.isInteger(seed) ? seed : null, path: process.env.FC_PATH || null, scale: Number.isFinite(scale) && scale > 0 ? scale : 1 };
}

/** Each project gets its own Redis database number, so parallel projects never see each other's keys. */
function redisDatabase(url: string, projectName: string): string {
  const parsed = new URL(url);
  const index = projectName === "gate" ? 12 : 11;
  parsed.pathname = `/${index}`;
  return parsed.toString();
}

