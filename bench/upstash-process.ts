/**
 * An Upstash stand-in in a process of its own, holding a revocation list of a given size.
 * The bench's other stand-ins (the origin among them) share one event loop: a second
 * process keeps a large list's reads (serialising 100,000 members takes the stand-in
 * tens of milliseconds) from delaying their answers, as separate servers would not.
 *
 * As a child: `tsx bench/upstash-process.ts`, told what to serve over IPC.
 */
import { fork } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createRedisStore } from "../dev/upstash/redis-store-factory";
import { startUpstashServer } from "../dev/upstash/server";
import { loadRevokedSessions } from "./revocations";

export interface UpstashProcessOptions {
  readonly token: string;
  readonly readOnlyToken: string;
  /** Revoked sessions to load, in the issuer's format (bench/revocations.ts). */
  readonly revokedSessions: number;
}

export interface UpstashProcess {
  readonly url: string;
  close(): Promise<void>;
}

export function startUpstashProcess(options: UpstashProcessOptions): Promise<UpstashProcess> {
  const child = fork(fileURLToPath(import.meta.url), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill();
    });
  return new Promise((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`the Upstash stand-in process exited (${code})`)));
    child.once("message", (message: { url?: string; error?: string }) => {
      if (message.url) resolve({ url: message.url, close });
      else reject(new Error(message.error ?? "the Upstash stand-in process did not start"));
    });
    child.send(options);
  });
}

async function serve(options: UpstashProcessOptions): Promise<void> {
  const store = await createRedisStore({ redisUrl: undefined, file: undefined });
  const server = await startUpstashServer({ port: 0, token: options.token, readOnlyToken: options.readOnlyToken, store });
  await loadRevokedSessions(store, options.revokedSessions);
  process.send?.({ url: server.url });
}

if (process.send && process.argv[1] === fileURLToPath(import.meta.url)) {
  process.once("message", (options: UpstashProcessOptions) => {
    serve(options).catch((error: unknown) => process.send?.({ error: error instanceof Error ? error.message : String(error) }));
  });
}
