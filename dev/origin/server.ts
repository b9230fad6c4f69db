import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, sendJson, type RunningServer } from "../support/http-server";

/** The demo origin behind the gate: answers every request with what it received, so anyone can see what the gate forwards. */
export function startDemoOrigin(options: { port: number }): Promise<RunningServer> {
  return listen(echo, { port: options.port });
}

async function echo(request: IncomingMessage, response: ServerResponse): Promise<void> {
  // Counted as it streams in, never held whole: any body size costs no memory.
  let bodyBytes = 0;
  for await (const chunk of request) bodyBytes += (chunk as Buffer).length;
  const target = request.url ?? "/";
  const mark = target.indexOf("?");
  sendJson(response, 200, {
    method: request.method,
    path: mark === -1 ? target : target.slice(0, mark),
    query: mark === -1 ? "" : target.slice(mark + 1),
    headers: request.headers,
    body_bytes: bodyBytes,
  });
}
