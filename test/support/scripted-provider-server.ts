import { listen, readBody, sendJson, type RunningServer } from "../../dev/support/http-server";

/** One scripted answer; `status: 0` drops the connection, as a provider that is down would. */
export interface ScriptedReply {
  readonly status: number;
  readonly body: string;
  readonly headers?: Record<string, string>;
}

interface Seen {
  readonly method: string;
  readonly path: string;
  readonly query: string;
  readonly headers: Record<string, string>;
  readonly body: string;
}

/**
 * A loopback provider for tests in workerd, which cannot listen themselves: the test scripts
 * each path's answer (discovery, JWKS, token endpoint, GitHub's API…) with
 * `PUT /__script` `{path, status, body, headers?}` and reads what the issuer sent with
 * `GET /__seen?prefix=`. Each test takes its own path prefix, so nothing is shared.
 */
export async function startScriptedProvider(): Promise<RunningServer> {
  const replies = new Map<string, ScriptedReply>();
  const seen: Seen[] = [];
  return listen(
    async (request, response) => {
      const url = new URL(request.url ?? "/", "http://provider");
      if (url.pathname === "/__script" && request.method === "PUT") {
        const body = await readBody(request, 1024 * 1024);
        if (!body) return sendJson(response, 413, { error: "too large" });
        const script = JSON.parse(body.toString("utf8")) as ScriptedReply & { readonly path: string };
        replies.set(script.path, { status: script.status, body: script.body, headers: script.headers });
        return sendJson(response, 200, { scripted: script.path });
      }
      if (url.pathname === "/__seen" && request.method === "GET") {
        const prefix = url.searchParams.get("prefix") ?? "/";
        return sendJson(response, 200, { requests: seen.filter((entry) => entry.path.startsWith(prefix)) });
      }
      const body = (await readBody(request, 1024 * 1024)) ?? Buffer.alloc(0);
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(request.headers)) if (typeof value === "string") headers[name] = value;
      seen.push({ method: request.method ?? "", path: url.pathname, query: url.search, headers, body: body.toString("utf8") });
      const reply = replies.get(url.pathname);
      if (reply === undefined) return sendJson(response, 404, { error: "not scripted" });
      if (reply.status === 0) {
        request.socket.destroy();
        return;
      }
      response.writeHead(reply.status, { "content-type": "application/json", ...reply.headers });
      response.end(reply.body);
    },
    { port: 0 },
  );
}
