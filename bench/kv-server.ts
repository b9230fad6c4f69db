import { listen, readBody, type RunningServer } from "../dev/support/http-server";

export interface KvServer extends RunningServer {
  /** Requests the workers made to this namespace: each one is a KV operation. */
  readonly operations: () => number;
}

/**
 * One KV namespace for workerd's `kvNamespace` binding, in memory. workerd
 * speaks HTTP to the service behind the binding: `GET /<key>?urlencoded=true`
 * reads (404 when absent), `PUT` writes, `DELETE` deletes.
 */
export async function startKvServer(): Promise<KvServer> {
  const values = new Map<string, Buffer>();
  let operations = 0;
  const server = await listen(
    async (request, response) => {
      operations += 1;
      const url = new URL(request.url ?? "/", "http://kv");
      const key = decodeURIComponent(url.pathname.slice(1));
      if (request.method === "GET" && key !== "") {
        const value = values.get(key);
        response.writeHead(value ? 200 : 404, { "content-type": "application/octet-stream" });
        response.end(value ?? "");
        return;
      }
      if (request.method === "PUT") {
        values.set(key, (await readBody(request, 25 * 1024 * 1024)) ?? Buffer.alloc(0));
        response.writeHead(200).end();
        return;
      }
      if (request.method === "DELETE") {
        values.delete(key);
        response.writeHead(200).end();
        return;
      }
      response.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys: [], list_complete: true, cacheStatus: null }));
    },
    { port: 0 },
  );
  return { ...server, operations: () => operations };
}
