import { request as forward } from "node:http";
import { listen, sendJson, type RunningServer } from "../../dev/support/http-server";

export interface Switchable {
  /** Where the worker under test reaches the dependency; nothing listens here while it is down. */
  readonly url: string;
  /** `POST /down`, `POST /up`, and `POST /down-after/N`: let N more requests through, then stop listening. */
  readonly controlUrl: string;
  close(): Promise<void>;
}

/**
 * An address in front of a running stand-in that tests can really take away and
 * give back: while it is down nothing listens on its port, so the worker sees
 * connections refused (or, stopped after N requests, a connection cut mid-request),
 * exactly as when the dependency itself dies.
 */
export async function switchable(targetUrl: string): Promise<Switchable> {
  const target = new URL(targetUrl);
  let requestsLeft = Number.POSITIVE_INFINITY;
  let server: RunningServer | null = null;

  const start = async (port: number): Promise<RunningServer> =>
    listen(
      (incoming, outgoing) => {
        if (requestsLeft <= 0) {
          // The stop lands while this request is in flight: its connection is cut, not answered.
          incoming.socket.destroy();
          void stop();
          return;
        }
        requestsLeft -= 1;
        const upstream = forward({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        upstream.on("error", () => incoming.socket.destroy());
        incoming.pipe(upstream);
      },
      { port },
    );
  const stop = async (): Promise<void> => {
    const running = server;
    server = null;
    await running?.close();
  };

  server = await start(0);
  const { port, url } = server;
  const control = await listen(
    async (request, response) => {
      const downAfter = /^\/down-after\/(\d+)$/.exec(request.url ?? "");
      if (request.method === "POST" && request.url === "/down") {
        await stop();
        return sendJson(response, 200, { up: false });
      }
      if (request.method === "POST" && downAfter) {
        requestsLeft = Number(downAfter[1]);
        return sendJson(response, 200, { up: server !== null, requests_left: requestsLeft });
      }
      if (request.method === "POST" && request.url === "/up") {
        requestsLeft = Number.POSITIVE_INFINITY;
        server ??= await start(port);
        return sendJson(response, 200, { up: true });
      }
      sendJson(response, 404, { error: "not found" });
    },
    { port: 0 },
  );
  return {
    url,
    controlUrl: control.url,
    close: async () => {
      await Promise.all([stop(), control.close()]);
    },
  };
}
