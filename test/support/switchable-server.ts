import { request as forward } from "node:http";
import { listen, readBody, sendJson, type RunningServer } from "../../dev/support/http-server";

/** Requests to the stand-ins are small; this only bounds what the hop buffers. */
const MAX_REQUEST_BYTES = 10 * 1024 * 1024;

export interface Switchable {
  /** Where the worker under test reaches the dependency; nothing listens here while it is down. */
  readonly url: string;
  /**
   * `POST /down`, `POST /up`; `POST /down-after/N`: let N more requests through, then stop
   * listening; `PUT /faults {"body_contains", "times"}`: answer the next requests whose body
   * contains the text with 503, as Neon's proxy does when the database behind it is gone.
   */
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
  let fault: { bodyContains: string; times: number } | null = null;
  let server: RunningServer | null = null;

  const start = async (port: number): Promise<RunningServer> =>
    listen(
      async (incoming, outgoing) => {
        if (requestsLeft <= 0) {
          // The stop lands while this request is in flight: its connection is cut, not answered.
          incoming.socket.destroy();
          void stop();
          return;
        }
        requestsLeft -= 1;
        const body = (await readBody(incoming, MAX_REQUEST_BYTES)) ?? Buffer.alloc(0);
        if (fault && fault.times > 0 && body.toString("utf8").includes(fault.bodyContains)) {
          fault.times -= 1;
          return sendJson(outgoing, 503, { message: "the database is unavailable (injected fault)" });
        }
        const upstream = forward({ host: target.hostname, port: target.port, method: incoming.method, path: incoming.url, headers: incoming.headers }, (answer) => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        });
        upstream.on("error", () => incoming.socket.destroy());
        upstream.end(body);
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
      if (request.method === "PUT" && request.url === "/faults") {
        const armed = JSON.parse((await readBody(request, MAX_REQUEST_BYTES))?.toString("utf8") ?? "{}") as { body_contains: string; times: number };
        fault = { bodyContains: armed.body_contains, times: armed.times };
        return sendJson(response, 200, { armed: true });
      }
      if (request.method === "POST" && request.url === "/up") {
        requestsLeft = Number.POSITIVE_INFINITY;
        fault = null;
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
