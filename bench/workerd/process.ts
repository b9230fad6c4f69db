import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { connect } from "node:net";
import { join } from "node:path";
import { renderWorkerdConfig, type WorkerdConfig } from "./config";

export interface WorkerdProcess {
  /** Milliseconds from spawning workerd until every socket accepted a connection. */
  readonly startupMs: number;
  readonly pid: number;
  stop(): Promise<void>;
}

/** The workerd binary the project pins (the same one wrangler runs), without wrangler or miniflare around it. */
export function workerdBinary(root: string): string {
  return join(root, "node_modules", ".bin", "workerd");
}

/** Writes the config beside the bundles and runs `workerd serve` on it until stopped. */
export async function startWorkerd(root: string, name: string, dir: string, config: WorkerdConfig): Promise<WorkerdProcess> {
  const configPath = join(dir, `${name}.capnp`);
  writeFileSync(configPath, renderWorkerdConfig(config, dir));
  const started = performance.now();
  const child = spawn(workerdBinary(root), ["serve", configPath], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  const output: string[] = [];
  const keep = (chunk: Buffer) => {
    output.push(chunk.toString());
    if (process.env.BENCH_VERBOSE) process.stderr.write(`[${name}] ${chunk.toString()}`);
  };
  child.stdout.on("data", keep);
  child.stderr.on("data", keep);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const stop = async () => {
    if (child.exitCode !== null || child.pid === undefined) return;
    process.kill(-child.pid, "SIGTERM");
    const timer = setTimeout(() => child.pid !== undefined && child.exitCode === null && process.kill(-child.pid, "SIGKILL"), 3_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await Promise.race([
      Promise.all(config.sockets.map((socket) => waitForPort(socket.port, 20_000))),
      exited.then((code) => {
        throw new Error(`workerd ${name} exited with ${code}: ${output.join("").slice(-2000)}`);
      }),
    ]);
  } catch (error) {
    await stop();
    throw error;
  }
  if (child.pid === undefined) throw new Error(`workerd ${name} has no pid`);
  return { startupMs: performance.now() - started, pid: child.pid, stop };
}

async function waitForPort(port: number, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect({ port, host: "127.0.0.1" }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
  throw new Error(`port ${port} did not open within ${timeoutMs} ms`);
}
