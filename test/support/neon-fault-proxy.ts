import { listen, readBody, sendJson, type RunningServer } from "../../dev/support/http-server";

/** Neon's SQL-over-HTTP requests are small; this is only a guard. */
const MAX_FORWARDED_BYTES = 10 * 1024 * 1024;

/**
 * A loopback hop in front of the Neon stand-in that passes every request through
 * unchanged, except that a test can arm it (`PUT /__faults {"sql_contains", "times"}`)
 * to answer the next matching requests with 503, as Neon's proxy does when the
 * compute behind it is unreachable. This lets a test take Postgres away in the
 * middle of a request, after the statements before the matching one succeeded.
 */
export async function startNeonFaultProxy(neonUrl: string): Promise<RunningServer> {
  let fault: { sqlContains: string; times: number } | null = null;
  return listen(
    async (request, response) => {
      const body = await readBody(request, MAX_FORWARDED_BYTES);
      if (request.url === "/__faults" && request.method === "PUT") {
        const armed = JSON.parse(body?.toString("utf8") ?? "{}") as { sql_contains: string; times: number };
        fault = { sqlContains: armed.sql_contains, times: armed.times };
        return sendJson(response, 200, { armed: true });
      }
      if (fault && fault.times > 0 && sqlText(body).includes(fault.sqlContains)) {
        fault.times -= 1;
        return sendJson(response, 503, { message: "compute unavailable (injected fault)" });
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(request.headers)) {
        if (typeof value === "string" && !["host", "connection", "content-length"].includes(name)) headers.set(name, value);
      }
      const upstream = await fetch(`${neonUrl}${request.url ?? "/"}`, { method: request.method ?? "POST", headers, ...(body && body.length > 0 ? { body: new Uint8Array(body) } : {}) });
      const passed: Record<string, string> = {};
      upstream.headers.forEach((value, name) => {
        if (!["content-length", "content-encoding", "transfer-encoding", "connection"].includes(name)) passed[name] = value;
      });
      response.writeHead(upstream.status, passed);
      response.end(Buffer.from(await upstream.arrayBuffer()));
    },
    { port: 0 },
  );
}

/** The SQL of a Neon HTTP payload: one `{query}` or a transaction's `{queries: [{query}]}`. */
function sqlText(body: Buffer | null): string {
  try {
    const payload = JSON.parse(body?.toString("utf8") ?? "") as { query?: string; queries?: { query?: string }[] };
    return [payload.query, ...(payload.queries ?? []).map((entry) => entry.query)].filter((query) => typeof query === "string").join("\n");
  } catch {
    return "";
  }
}
