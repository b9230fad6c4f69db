/**
 * `npm run dev`: the whole stack on loopback with no accounts. Starts the
 * stand-ins, applies migrations, writes the workers' .dev.vars, runs both
 * workers under `wrangler dev` (workerd), waits for their health, and prints
 * how to use it. Ctrl-C stops everything; state persists in .portcullis/.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { formatVarsFile, localPorts, readVarsFile, resolveSecrets } from "./local-settings";
import { gateVars, issuerVars, startStandIns } from "./stack";
import { printBanner } from "./banner";
import { provisionDemo, type LocalIdentityProvider } from "../examples/oidc-web-app/provision";
import { startDemoApp, type DemoApp } from "../examples/oidc-web-app/server";
import { startGateApp, type GateApp } from "./example-gate-app";
import { startWranglerDev, type WorkerProcess, type WranglerDevOptions } from "./wrangler-dev";
import { waitForHealth } from "./wait-for-health";
import { startCronTicker } from "./cron-ticker";
import { changedSettings, ignoredStackSettings, withEnvironmentSettings } from "./worker-settings";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const dataDir = join(root, ".portcullis");
const issuerVarsPath = join(root, ".dev.vars");
const gateVarsPath = join(root, "workers", "gate", ".dev.vars");
/** `npm run example`: the stack, plus the gate-app example (examples/gate-app/) with a gate of its own. */
const withExample = process.argv.includes("--example");

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  const ports = localPorts();
  const secrets = resolveSecrets(readVarsFile(issuerVarsPath));
  const standIns = await startStandIns({
    ports,
    secrets,
    dataDir,
    postgresUrl: process.env.POSTGRES_URL || undefined,
    redisUrl: process.env.REDIS_URL || undefined,
    turnstileSecretKey: process.env.TURNSTILE_SECRET_KEY || undefined,
    // The sandbox checks SNS signatures for the region the issuer signs for.
    snsRegion: process.env.AWS_SNS_REGION || undefined,
  });
  const urls = { issuer: `http://127.0.0.1:${ports.issuer}`, gate: `http://127.0.0.1:${ports.gate}` };
  // The documented settings set in this shell (RATE_LIMIT_MAX=… npm run dev) win over the stack's and wrangler.toml's.
  const { vars, settings } = withEnvironmentSettings({ issuer: issuerVars(standIns, secrets, urls), gate: gateVars(standIns, secrets, urls) }, process.env);
  for (const name of ignoredStackSettings(process.env)) console.warn(`[dev] ${name} is set in this shell but ignored: the local stack points it at its own stand-ins (use POSTGRES_URL / REDIS_URL for real servers)`);
  // .dev.vars keeps the generated secrets (DATABASE_PASSWORD and friends too) for the next run.
  writeFileSync(issuerVarsPath, formatVarsFile("Written by `npm run dev`; keeps local secrets across restarts. Never commit.", { ...vars.issuer, DATABASE_PASSWORD: secrets.DATABASE_PASSWORD, GATE_SIGNING_SECRET: secrets.GATE_SIGNING_SECRET }), { mode: 0o600 });
  writeFileSync(gateVarsPath, formatVarsFile("Written by `npm run dev`. Never commit.", vars.gate), { mode: 0o600 });

  const persistTo = join(dataDir, "wrangler");
  const registryPath = join(dataDir, "registry");
  const workers: WorkerProcess[] = [];
  let demoApp: DemoApp | null = null;
  let gateApp: GateApp | null = null;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    await demoApp?.close();
    await gateApp?.close();
    await Promise.allSettled(workers.map((worker) => worker.stop()));
    await standIns.close();
    process.exit(code);
  };
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));

  const start = (options: Omit<WranglerDevOptions, "root" | "persistTo" | "registryPath">) => {
    const worker = startWranglerDev({ ...options, root, persistTo, registryPath });
    worker.onExit((code) => { if (!stopping) { console.error(`[dev] ${worker.name} exited (${code}); stopping`); void stop(1); } });
    workers.push(worker);
  };
  // One after the other: two workerd processes opening one persistence folder at the same moment
  // can meet its SQLite lock (SQLITE_BUSY), and one of them dies at start.
  // Also as --var, which wins over wrangler.toml's [vars] whatever wrangler's .dev.vars rules.
  start({ name: "issuer", config: "wrangler.toml", port: ports.issuer, vars: { ...settings.issuer, ISSUER_URL: urls.issuer } });
  const issuerHealth = await waitForHealth(`${urls.issuer}/health`);
  start({ name: "gate", config: "workers/gate/wrangler.toml", port: ports.gate, vars: { ORIGIN_URL: standIns.origin.url, ...settings.gate, ISSUER_URL: urls.issuer } });
  const gateHealth = await waitForHealth(`${urls.gate}/__gate/health`);
  startCronTicker(urls.issuer);
  const demo = await startDemo(urls, secrets.ADMIN_TOKEN, ports.demoApp, { issuer: standIns.identityProvider.issuer, controlUrl: standIns.identityProvider.controlUrl }).catch((error: unknown) => {
    // The stack is usable without it; say why it is missing.
    console.warn("[dev] the demo app could not be set up:", error instanceof Error ? error.message : error);
    return null;
  });
  demoApp = demo?.app ?? null;
  if (withExample) {
    gateApp = await startGateApp({
      root, persistTo, registryPath, gateVars: vars.gate, issuerUrl: urls.issuer, adminToken: secrets.ADMIN_TOKEN, label: "example",
      appPort: portSetting("EXAMPLE_APP_PORT", 8795), gatePort: portSetting("EXAMPLE_GATE_PORT", 8796),
    });
    for (const worker of gateApp.workers) worker.onExit((code) => { if (!stopping) { console.error(`[dev] ${worker.name} exited (${code}); stopping`); void stop(1); } });
  }
  printBanner({ ports, urls, adminToken: secrets.ADMIN_TOKEN, smsUrl: standIns.sms.url, originUrl: standIns.origin.url, identityProviderUrl: standIns.identityProvider.url, issuerHealth, gateHealth, postgres: Boolean(process.env.POSTGRES_URL), redis: Boolean(process.env.REDIS_URL),
    demoApp: demo && { url: demo.app.url, clientId: demo.registration.clientId, tenantId: demo.registration.tenantId, connectionId: demo.registration.connectionId },
    changed: {
      issuer: changedSettings(settings.issuer, await workerDefaults("wrangler.toml")),
      gate: changedSettings(settings.gate, await workerDefaults("workers/gate/wrangler.toml")),
    },
  });
  if (gateApp) printExample(gateApp, standIns.sms.url);
}

/**
 * The demo web app on `localhost` (the issuer is on 127.0.0.1, so the two keep separate cookies),
 * with its tenant and OAuth client found again or made through the admin API.
 */
async function startDemo(urls: { issuer: string; gate: string }, adminToken: string, port: number, identityProvider: LocalIdentityProvider) {
  const appUrl = `http://localhost:${port}`;
  const registration = await provisionDemo({ issuerUrl: urls.issuer, adminToken, appUrl, stateFile: join(dataDir, "demo-app.json"), identityProvider });
  const app = await startDemoApp({ port, host: "localhost", issuerUrl: urls.issuer, gateUrl: urls.gate, clientId: registration.clientId });
  return { app, registration };
}

function printExample(app: GateApp, smsUrl: string): void {
  console.log(`
Example: an app behind its own gate (examples/gate-app/)
  open            ${app.url}/   (sign in with a phone code or a password, then add notes)
  SMS codes       curl "${smsUrl}/messages?to=<your +E.164 number>"
  its tenant      ${app.tenantId}
  the app itself  ${app.appUrl} refuses anything its gate did not sign
`);
}

function portSetting(name: string, fallback: number): number {
  const value = Number(process.env[name] ?? fallback);
  if (!Number.isInteger(value) || value < 1 || value > 65_535) throw new Error(`${name} must be a port number`);
  return value;
}

/** A worker's own defaults: its wrangler.toml `[vars]`. */
async function workerDefaults(config: string): Promise<Record<string, unknown>> {
  // Loaded only here: wrangler's API is large, and the stack should not wait for it to start.
  const { experimental_readRawConfig } = await import("wrangler");
  return { ...experimental_readRawConfig({ config: join(root, config) }).rawConfig.vars };
}

main().catch((error: unknown) => {
  console.error("[dev] failed to start:", error instanceof Error ? error.message : error);
  process.exit(1);
});
