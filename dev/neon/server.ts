import type { IncomingMessage, ServerResponse } from "node:http";
import { listen, readBody, type RunningServer } from "../support/http-server";
import { parseConnectionString } from "./connection-string";
import { credentialsMatch, type DatabaseCredentials } from "./credentials";
import { databaseErrorBody, proxyErrorBody } from "./error-body";
import { header, readRequestOptions, type RequestOptions } from "./request-options";
import { parsePayload, type Payload } from "./request-payload";
import { resultJson } from "./result-json";
import type { SqlBackend } from "./sql-backend";

/** The path production code is pointed at with `neonConfig.fetchEndpoint = \`${url}/sql\``. */
export const SQL_PATH = "/sql";
/** Neon's proxy defaults (`--sql-over-http-max-request-size-bytes` / `-response-size-bytes`). */
export const MAX_REQUEST_BYTES = 10 * 1024 * 1024;
export const MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface NeonServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly backend: SqlBackend;
  /** The user and password the connection string must carry; the database name is not checked. */
  readonly credentials: DatabaseCredentials;
}

const CORS_HEADERS = { "access-control-allow-origin": "*" };
const PREFLIGHT_HEADERS = {
  ...CORS_HEADERS,
  allow: "OPTIONS, POST",
  "access-control-allow-headers":
    "Authorization, Neon-Connection-String, Neon-Raw-Text-Output, Neon-Array-Mode, Neon-Pool-Opt-In, Neon-Batch-Read-Only, Neon-Batch-Isolation-Level",
  "access-control-max-age": "86400",
};

interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/** Serves Neon's SQL-over-HTTP protocol (`POST /sql`) in front of `backend`, on 127.0.0.1. */
export function startNeonServer(options: NeonServerOptions): Promise<RunningServer> {
  return listen((request, response) => handle(request, response, options), { port: options.port });
}

async function handle(request: IncomingMessage, response: ServerResponse, options: NeonServerOptions): Promise<void> {
  const path = new URL(request.url ?? "/", "http://stand-in").pathname;
  if (path !== SQL_PATH) return send(response, { status: 404, body: proxyErrorBody("query is not supported") });
  if (request.method === "OPTIONS") {
    response.writeHead(200, PREFLIGHT_HEADERS).end();
    return;
  }
  if (request.method !== "POST") {
    return send(response, { status: 405, body: proxyErrorBody("query is not supported"), headers: { allow: "OPTIONS, POST" } });
  }
  send(response, await answer(request, options));
}

async function answer(request: IncomingMessage, options: NeonServerOptions): Promise<Reply> {
  const target = parseConnectionString(header(request.headers, "neon-connection-string"));
  if (!target.ok) return proxyError(400, target.message);
  const requestOptions = readRequestOptions(request.headers);
  if (!requestOptions.ok) return proxyError(400, requestOptions.message);
  if (header(request.headers, "authorization") !== undefined) {
    return proxyError(400, "JWT authentication (Authorization header) is not supported by the local Neon stand-in");
  }
  if (!credentialsMatch(target.value, options.credentials)) {
    return proxyError(400, `password authentication failed for user '${target.value.user}'`);
  }
  const body = await readBody(request, MAX_REQUEST_BYTES);
  if (body === null) return proxyError(413, `request is too large (max is ${MAX_REQUEST_BYTES} bytes)`);
  const payload = parsePayload(body);
  if (!payload.ok) return proxyError(400, payload.message);
  try {
    return await execute(payload.value, requestOptions.value, options.backend);
  } catch (error) {
    // An outage, not a refused statement: Neon answers 500 when the compute is unreachable.
    console.error("[neon] the SQL backend failed:", error instanceof Error ? error.message : error);
    return proxyError(500, "the local database is unavailable");
  }
}

async function execute(payload: Payload, options: RequestOptions, backend: SqlBackend): Promise<Reply> {
  const modeFor = (arrayMode: boolean | undefined) => ({
    arrayMode: arrayMode ?? options.output.arrayMode,
    rawTextOutput: options.output.rawTextOutput,
  });
  if (payload.kind === "single") {
    const outcome = await backend.query(payload.query.statement);
    if (!outcome.ok) return { status: 400, body: databaseErrorBody(outcome.error) };
    return { status: 200, body: resultJson(outcome.value, modeFor(payload.query.arrayMode)) };
  }
  const outcome = await backend.transaction(
    payload.queries.map((query) => query.statement),
    options.transaction,
  );
  if (!outcome.ok) return { status: 400, body: databaseErrorBody(outcome.error) };
  const results = outcome.value.map((result, index) => resultJson(result, modeFor(payload.queries[index]?.arrayMode)));
  return { status: 200, body: { results }, headers: echoedBatchHeaders(options) };
}

/** Neon confirms the transaction modes it applied to a batch. */
function echoedBatchHeaders({ transaction }: RequestOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  if (transaction.isolationLevel !== undefined) headers["neon-batch-isolation-level"] = transaction.isolationLevel;
  if (transaction.readOnly) headers["neon-batch-read-only"] = "true";
  if (transaction.deferrable) headers["neon-batch-deferrable"] = "true";
  return headers;
}

function proxyError(status: number, message: string): Reply {
  return { status, body: proxyErrorBody(message) };
}

function send(response: ServerResponse, reply: Reply): void {
  let text = JSON.stringify(reply.body);
  let { status, headers } = reply;
  if (Buffer.byteLength(text) > MAX_RESPONSE_BYTES) {
    text = JSON.stringify(proxyErrorBody(`response is too large (max is ${MAX_RESPONSE_BYTES} bytes)`));
    status = 507;
    headers = {};
  }
  response.writeHead(status, {
    ...CORS_HEADERS,
    ...headers,
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text).toString(),
  });
  response.end(text);
}
