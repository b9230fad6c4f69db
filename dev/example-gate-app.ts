/**
 * Starts the gate-app example (examples/gate-app/): its page script bundled with the SDK, the
 * app's worker, and a gate of its own in front of it, against a running issuer. Used by
 * `npm run example` and by the example's end-to-end test, so both run it the same way.
 */
import { join } from "node:path";
import { build } from "esbuild";
import { createAdminClient } from "../sdk/src/server/index";
import { waitForHealth } from "./wait-for-health";
import { startWranglerDev, type WorkerProcess } from "./wrangler-dev";

/** The page, its script and its config (under /static/) are public; every other path (the API) needs a signed-in user. */
export const EXAMPLE_GATE_POLICY = JSON.stringify([
  { path: "/", access: "public" },
  { path: "/static/*", access: "public" },
]);

export interface GateAppOptions {
  readonly root: string;
  /** The stack's wrangler state and dev registry: the example's gate reads the issuer's JWKS from them. */
  readonly persistTo: string;
  readonly registryPath: string;
  /** The stack's own gate vars (issuer, tenants, Upstash, signing secret); the example's gate takes them over. */
  readonly gateVars: Readonly<Record<string, string>>;
  readonly issuerUrl: string;
  readonly adminToken: string;
  readonly appPort: number;
  readonly gatePort: number;
  /** Prefixes the workers' log lines. */
  readonly label: string;
  readonly healthTimeoutMs?: number;
}

export interface GateApp {
  /** Where people open the app: through its gate. */
  readonly url: string;
  /** The app's worker itself (reachable directly only on this machine; it refuses unsigned requests). */
  readonly appUrl: string;
  readonly tenantId: string;
  readonly publishableKey: string;
  readonly workers: readonly WorkerProcess[];
  close(): Promise<void>;
}

export async function startGateApp(options: GateAppOptions): Promise<GateApp> {
  const exampleDir = join(options.root, "examples", "gate-app");
  await build({
    entryPoints: [join(exampleDir, "page", "page.ts")],
    outfile: join(exampleDir, "public", "static", "app.js"),
    bundle: true,
    format: "esm",
    platform: "browser",
    target: "es2022",
    logLevel: "warning",
  });

  const url = `http://127.0.0.1:${options.gatePort}`;
  const appUrl = `http://127.0.0.1:${options.appPort}`;
  // The example's own tenant: its page's origin may call the issuer, and a sign-up signs in at once.
  const slug = `example-${crypto.randomUUID().slice(0, 8)}`;
  const tenant = await createAdminClient({ issuerUrl: options.issuerUrl, adminToken: options.adminToken }).tenants.create({
    name: "Notes example",
    slug,
    settings: { cors_origins: [url], email_verification_required: false },
  });

  const workers: WorkerProcess[] = [];
  const close = async () => {
    await Promise.allSettled(workers.map((worker) => worker.stop()));
  };
  try {
    const secret = options.gateVars.GATE_SIGNING_SECRET ?? "";
    const app = startWranglerDev({
      name: `${options.label}-app`,
      root: options.root,
      config: "examples/gate-app/wrangler.toml",
      port: options.appPort,
      persistTo: options.persistTo,
      registryPath: options.registryPath,
      vars: { ISSUER_URL: options.issuerUrl, PUBLISHABLE_KEY: tenant.api_key, GATE_AUTHORITY: `127.0.0.1:${options.appPort}`, GATE_SIGNING_SECRET: secret },
    });
    workers.push(app);
    await healthy(`${appUrl}/health`, options.healthTimeoutMs);
    const gate = startWranglerDev({
      name: `${options.label}-gate`,
      root: options.root,
      config: "workers/gate/wrangler.toml",
      port: options.gatePort,
      persistTo: options.persistTo,
      registryPath: options.registryPath,
      vars: { ...options.gateVars, ISSUER_URL: options.issuerUrl, ORIGIN_URL: appUrl, GATE_POLICY: EXAMPLE_GATE_POLICY, GATE_TENANTS: tenant.tenant_id },
    });
    workers.push(gate);
    await healthy(`${url}/__gate/health`, options.healthTimeoutMs);
    return { url, appUrl, tenantId: tenant.tenant_id, publishableKey: tenant.api_key, workers, close };
  } catch (error) {
    await close();
    throw error;
  }
}

async function healthy(url: string, timeoutMs = 120_000): Promise<void> {
  const health = await waitForHealth(url, timeoutMs);
  if (health.status !== 200) throw new Error(`${url} did not become healthy: ${health.status} ${JSON.stringify(health.body)}`);
}
