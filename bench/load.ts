import { fork, type ChildProcess } from "node:child_process";
import { join } from "node:path";

export interface LoadJob {
  readonly url: string;
  readonly connections: number;
  readonly durationMs: number;
  /** A JSON array of access tokens, sent round-robin as `Authorization: Bearer …`; none when absent. */
  readonly tokenFile?: string;
}

export interface LoadResult {
  readonly requests: number;
  readonly perSecond: number;
  readonly p50Ms: number;
  readonly p90Ms: number;
  readonly p99Ms: number;
  /** Connection errors, timeouts and any answer that is not 2xx. */
  readonly errors: number;
  /** What the errors were: "timeout", "connection error", or a status code, with counts. */
  readonly errorKinds: Readonly<Record<string, number>>;
}

type Reply = { ok: true; result: LoadResult } | { ok: false; error: string };

/** A load-generator process (autocannon), fed one job at a time. */
export class LoadClient {
  readonly #child: ChildProcess;

  constructor(benchDir: string) {
    this.#child = fork(join(benchDir, "load-client.ts"), [], { execArgv: ["--import", "tsx"], stdio: ["ignore", "inherit", "inherit", "ipc"] });
  }

  run(job: LoadJob): Promise<LoadResult> {
    return new Promise((resolve, reject) => {
      const onExit = () => reject(new Error("the load generator exited"));
      this.#child.once("exit", onExit);
      this.#child.once("message", (reply: Reply) => {
        this.#child.off("exit", onExit);
        if (reply.ok) resolve(reply.result);
        else reject(new Error(reply.error));
      });
      this.#child.send(job);
    });
  }

  close(): void {
    this.#child.kill();
  }
}
