import { listen, readBody, type RunningServer } from "../dev/support/http-server";

export interface CacheServer extends RunningServer {
  readonly operations: () => number;
}

interface Entry {
  readonly status: number;
  readonly headers: [string, string][];
  readonly body: Buffer;
  readonly expiresAt: number;
}

/**
 * The Cache API (`caches.default`) for workerd's `cacheApiOutbound`, in
 * memory: workerd sends `GET <url>` for `match` (a miss is 504 with
 * `CF-Cache-Status: MISS`), `PUT <url>` with the response serialized as
 * HTTP/1.1 for `put`, and `PURGE` for `delete`. Honors `max-age`.
 */
export async function startCacheServer(): Promise<CacheServer> {
  const entries = new Map<string, Entry>();
  let operations = 0;
  const server = await listen(
    async (request, response) => {
      operations += 1;
      const key = `${request.headers.host ?? ""}${request.url ?? "/"}`;
      if (request.method === "PUT") {
        const entry = parseHttpResponse((await readBody(request, 64 * 1024 * 1024)) ?? Buffer.alloc(0));
        if (entry) entries.set(key, entry);
        response.writeHead(entry ? 204 : 413).end();
        return;
      }
      if (request.method === "PURGE") {
        response.writeHead(entries.delete(key) ? 200 : 404).end();
        return;
      }
      const entry = entries.get(key);
      if (!entry || entry.expiresAt <= Date.now()) {
        entries.delete(key);
        response.writeHead(504, { "cf-cache-status": "MISS" }).end();
        return;
      }
      response.writeHead(entry.status, [...entry.headers.flat(), "cf-cache-status", "HIT"]);
      response.end(entry.body);
    },
    { port: 0 },
  );
  return { ...server, operations: () => operations };
}

function parseHttpResponse(message: Buffer): Entry | null {
  const end = message.indexOf("\r\n\r\n");
  if (end === -1) return null;
  const [statusLine, ...lines] = message.subarray(0, end).toString("latin1").split("\r\n");
  const status = Number(/^HTTP\/\d(?:\.\d)? (\d+)/.exec(statusLine ?? "")?.[1]);
  if (!Number.isInteger(status)) return null;
  const headers = lines.map((line): [string, string] => [line.slice(0, line.indexOf(":")).trim(), line.slice(line.indexOf(":") + 1).trim()]);
  if (headers.some(([name, value]) => name.toLowerCase() === "transfer-encoding" && value.toLowerCase().includes("chunked"))) return null;
  const cacheControl = headers.find(([name]) => name.toLowerCase() === "cache-control")?.[1] ?? "";
  const maxAge = Number(/max-age=(\d+)/.exec(cacheControl)?.[1] ?? 0);
  if (maxAge <= 0) return null;
  return { status, headers, body: message.subarray(end + 4), expiresAt: Date.now() + maxAge * 1000 };
}
