import { request as httpRequest } from "node:http";
import { listen, type RunningServer } from "../dev/support/http-server";

export interface CountingProxy extends RunningServer {
  /** Requests seen per dependency name since the last call, then reset. */
  take(): Record<string, number>;
}

/**
 * Every outbound request of a worker, counted: workerd's `globalOutbound` (and
 * the service bindings under test) point here, the proxy names the dependency
 * by the port the worker meant to reach and forwards the request unchanged.
 */
export async function startCountingProxy(namesByPort: ReadonlyMap<number, string>): Promise<CountingProxy> {
  let counts: Record<string, number> = {};
  const server = await listen(
    (incoming, outgoing) =>
      new Promise<void>((resolve) => {
        const target = new URL(incoming.url?.startsWith("http") ? incoming.url : `http://${incoming.headers.host ?? "unknown"}${incoming.url ?? "/"}`);
        const port = Number(target.port || 80);
        const name = namesByPort.get(port) ?? target.host;
        counts[name] = (counts[name] ?? 0) + 1;
        if (target.hostname !== "127.0.0.1" && target.hostname !== "localhost") {
          outgoing.writeHead(502).end();
          resolve();
          return;
        }
        const forwarded = httpRequest({ host: "127.0.0.1", port, method: incoming.method, path: `${target.pathname}${target.search}`, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
          answer.once("end", resolve);
        });
        forwarded.once("error", () => {
          if (!outgoing.headersSent) outgoing.writeHead(502);
          outgoing.end();
          resolve();
        });
        incoming.pipe(forwarded);
      }),
    { port: 0 },
  );
  return {
    ...server,
    take() {
      const taken = counts;
      counts = {};
      return taken;
    },
  };
}
