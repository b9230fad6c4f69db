import { spawn } from "node:child_process";
import { join } from "node:path";

export interface WorkerProcess {
  readonly name: string;
  onExit(listener: (code: number | null) => void): void;
  stop(): Promise<void>;
}

export interface WranglerDevOptions {
  readonly name: string;
  readonly root: string;
  readonly config: string;
  readonly port: number;
  readonly persistTo: string;
  /** This stack's own dev registry (see `wranglerDevEnvironment`). */
  readonly registryPath: string;
  readonly vars: Readonly<Record<string, string>>;
}

/** Environment that keeps wrangler from calling out: no telemetry, no request.cf fetch, no banner. */
export const QUIET_WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CLOUDFLARE_CF_FETCH_ENABLED: "false", WRANGLER_HIDE_BANNER: "true" } as const;

/**
 * The environment of a `wrangler dev` child. Workers find each other (the gate's service
 * binding to the issuer) through wrangler's dev registry, by worker name; the default registry
 * is one folder per user, so a second stack on other ports would bind its gate to the first
 * stack's issuer. Each stack names its own: wrangler reads `WRANGLER_REGISTRY_PATH`, and
 * Miniflare prefers `CLOUDFLARE_DEV_REGISTRY_PATH` over it when set, so both are given.
 */
export function wranglerDevEnvironment(base: NodeJS.ProcessEnv, registryPath: string): NodeJS.ProcessEnv {
  return { ...base, ...QUIET_WRANGLER_ENV, WRANGLER_REGISTRY_PATH: registryPath, CLOUDFLARE_DEV_REGISTRY_PATH: registryPath };
}

/**
 * Runs `wrangler dev` in its own process group so that stopping it also stops
 * the workerd it spawns (signalling only the wrangler pid leaves workerd running).
 * Both workers share one persistence folder and find each other through
 * the stack's dev registry, which carries the gate's service binding and the shared KV.
 */
export function startWranglerDev(options: WranglerDevOptions): WorkerProcess {
  const args = [
    join(options.root, "node_modules", "wrangler", "bin", "wrangler.js"),
    "dev",
    "-c", options.config,
    "--ip", "127.0.0.1",
    "--port", String(options.port),
    "--persist-to", options.persistTo,
    "--inspector-port", "0",
    "--show-interactive-dev-session=false",
    "--log-level", "warn",
    // Exposes `/__scheduled`, through which the local stack fires cron triggers (dev/cron-ticker.ts).
    "--test-scheduled",
    ...Object.entries(options.vars).flatMap(([name, value]) => ["--var", `${name}:${value}`]),
  ];
  const child = spawn(process.execPath, args, {
    cwd: options.root,
    detached: true,
    env: wranglerDevEnvironment(process.env, options.registryPath),
    stdio: ["ignore", "pipe", "pipe"],
  });
  const prefix = `[${options.name}] `;
  const relay = (stream: NodeJS.WritableStream) => (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim() !== "") stream.write(`${prefix}${line}\n`);
  };
  child.stdout.on("data", relay(process.stdout));
  child.stderr.on("data", relay(process.stderr));
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  return {
    name: options.name,
    onExit: (listener) => void exited.then(listener),
    stop: async () => {
      if (child.exitCode !== null || child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGINT");
      } catch {
        return;
      }
      const timer = setTimeout(() => {
        if (child.pid !== undefined) {
          try {
            process.kill(-child.pid, "SIGKILL");
          } catch {
            // already gone
          }
        }
      }, 5_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
