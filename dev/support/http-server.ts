import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export type RequestHandler = (request: IncomingMessage, response: ServerResponse) => void | Promise<void>;

export interface RunningServer {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:8791`. */
  readonly url: string;
  readonly port: number;
  /** Stops listening and drops every open connection, so a test can really take the dependency away. */
  close(): Promise<void>;
}

export interface ListenOptions {
  /** 0 picks a free port. */
  port: number;
  host?: string;
}

/** Starts a loopback HTTP server; a handler that throws answers 500 with a JSON body instead of crashing the process. */
export async function listen(handler: RequestHandler, options: ListenOptions): Promise<RunningServer> {
  const host = options.host ?? "127.0.0.1";
  const server: Server = createServer((request, response) => {
    Promise.resolve()
      .then(() => handler(request, response))
      .catch((error: unknown) => {
        console.error("[dev] unhandled error in stand-in handler:", error);
        if (!response.headersSent) {
          response.writeHead(500, { "content-type": "application/json" });
        }
        response.end(JSON.stringify({ error: "internal error in local stand-in" }));
      });
  });
  server.keepAliveTimeout = 5_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host}:${port}`,
    port,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}

/** Reads a request body up to `limit` bytes; resolves `null` when the body is larger. */
export async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    if (size > limit) {
      request.resume();
      return null;
    }
    chunks.push(buffer);
  }
  return Buffer.concat(chunks);
}

export function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const payload = JSON.stringify(body);
  response.writeHead(status, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(payload).toString(),
    ...headers,
  });
  response.end(payload);
}

/** A control route's refusal: the sandbox's own `{error}` shape, not a provider's. */
export function badRequest(response: ServerResponse, message: string): void {
  sendJson(response, 400, { error: message });
}

export function methodNotAllowed(response: ServerResponse, allowed: string): void {
  sendJson(response, 405, { error: "method not allowed" }, { allow: allowed });
}

export function noContent(response: ServerResponse): void {
  response.writeHead(204);
  response.end();
}
