import type { IncomingMessage } from "node:http";
import { err, type Result } from "../../shared/errors/result";
import { listen, readBody, sendJson, type RunningServer } from "../support/http-server";
import { bearerTokenMatches } from "./bearer-token";
import { commandFromBody, commandsFromBody } from "./command-body";
import { pathCommand } from "./path-command";
import { readOnlyAllows, readOnlyRefusal } from "./read-only-commands";
import { ErrorReply } from "./redis-reply";
import type { RedisCommand, RedisStore } from "./redis-store";
import { replyEntry } from "./reply-json";

/** Upstash's free tier caps a request at 1 MB; the stand-in does too, so oversized writes fail locally first. */
export const MAX_REQUEST_BYTES = 1024 * 1024;

/** Upstash's 401 text (its older text was "Unauthorized"; only the JSON shape matters to the client). */
export const UNAUTHORIZED = "WRONGPASS invalid or missing auth token";

const ALLOWED_METHODS = ["GET", "HEAD", "POST", "PUT"];
/** Upstash's streaming endpoints (server-sent events), which the stand-in does not serve. */
const STREAMING_PATHS = /^\/(monitor|subscribe|psubscribe)(\/|$)/i;

export interface UpstashServerOptions {
  /** 0 picks a free port. */
  readonly port: number;
  readonly token: string;
  /** A second token that may only read, as Upstash's read-only tokens; none when undefined. */
  readonly readOnlyToken?: string;
  readonly store: RedisStore;
}

interface JsonAnswer {
  readonly status: number;
  readonly body: unknown;
  readonly headers?: Record<string, string>;
}

/**
 * Upstash's Redis REST API on loopback: POST / (one command), /pipeline,
 * /multi-exec and the path form (GET /set/k/v), behind `Authorization: Bearer`.
 */
export async function startUpstashServer(options: UpstashServerOptions): Promise<RunningServer> {
  let responses = 0;
  return listen(
    async (request, response) => {
      const answer = await answerRequest(request, options);
      // An opaque token that changes with every response, as Upstash's read-your-writes token does.
      sendJson(response, answer.status, answer.body, { ...answer.headers, "upstash-sync-token": `local-${++responses}` });
    },
    { port: options.port },
  );
}

async function answerRequest(request: IncomingMessage, { token, readOnlyToken, store }: UpstashServerOptions): Promise<JsonAnswer> {
  const method = request.method ?? "GET";
  // Prefixed rather than resolved, so that a path such as "//x" stays a path instead of naming a host.
  const url = new URL(`http://upstash.local${request.url ?? "/"}`);
  if (!ALLOWED_METHODS.includes(method)) return methodNotAllowed(ALLOWED_METHODS);
  const fullAccess = bearerTokenMatches(request.headers.authorization, token);
  const readOnly = !fullAccess && readOnlyToken !== undefined && bearerTokenMatches(request.headers.authorization, readOnlyToken);
  if (!fullAccess && !readOnly) return { status: 401, body: { error: UNAUTHORIZED } };
  if (STREAMING_PATHS.test(url.pathname)) {
    return { status: 404, body: { error: `ERR ${url.pathname} is not served by the local Upstash stand-in` } };
  }
  const body = await readBody(request, MAX_REQUEST_BYTES);
  if (body === null) return { status: 413, body: { error: `ERR the request body is larger than ${MAX_REQUEST_BYTES} bytes` } };
  const base64 = String(request.headers["upstash-encoding"] ?? "").toLowerCase().includes("base64");

  if (url.pathname === "/pipeline" || url.pathname === "/multi-exec") {
    if (method !== "POST") return methodNotAllowed(["POST"]);
    const commands = commandsFromBody(body.toString("utf8"));
    if (!commands.ok) return badRequest(commands.error);
    const refused = readOnly ? commands.value.find((command) => !readOnlyAllows(command[0] ?? "")) : undefined;
    if (refused) return badRequest(readOnlyRefusal(refused[0] ?? ""));
    return url.pathname === "/pipeline" ? runPipeline(store, commands.value, base64) : runTransaction(store, commands.value, base64);
  }
  const command = singleCommand(method, url, body);
  if (!command.ok) return badRequest(command.error);
  if (readOnly && !readOnlyAllows(command.value[0] ?? "")) return badRequest(readOnlyRefusal(command.value[0] ?? ""));
  return runSingle(store, command.value, base64);
}

/** `/` takes a JSON command in the body; any other path is the path form. */
function singleCommand(method: string, url: URL, body: Buffer): Result<RedisCommand, string> {
  if (url.pathname !== "/") return pathCommand(url.pathname, url.searchParams, method, body);
  if (method === "POST" || method === "PUT") return commandFromBody(body.toString("utf8"));
  return err('ERR no command: POST a JSON array such as ["PING"], or use the path form /ping');
}

/** A failed command is 400 with Redis's error text, so the client throws it with the command attached. */
async function runSingle(store: RedisStore, command: RedisCommand, base64: boolean): Promise<JsonAnswer> {
  const entry = replyEntry(await store.execute(command), base64);
  return { status: "error" in entry ? 400 : 200, body: entry };
}

/** In order, one after another; others may interleave (Upstash's pipelines are not atomic). Errors stay in place. */
async function runPipeline(store: RedisStore, commands: readonly RedisCommand[], base64: boolean): Promise<JsonAnswer> {
  const entries: unknown[] = [];
  for (const command of commands) entries.push(replyEntry(await store.execute(command), base64));
  return { status: 200, body: entries };
}

/** A discarded transaction (EXECABORT) is one 4xx error: a 200 with an object would crash the client's `.map`. */
async function runTransaction(store: RedisStore, commands: readonly RedisCommand[], base64: boolean): Promise<JsonAnswer> {
  const results = await store.multi(commands);
  if (results instanceof ErrorReply) return badRequest(results.message);
  return { status: 200, body: results.map((reply) => replyEntry(reply, base64)) };
}

function badRequest(error: string): JsonAnswer {
  return { status: 400, body: { error } };
}

function methodNotAllowed(allowed: readonly string[]): JsonAnswer {
  return { status: 405, body: { error: "ERR method not allowed" }, headers: { allow: allowed.join(", ") } };
}
