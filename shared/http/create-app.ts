import { Hono, type Context, type Env } from "hono";
import { routePath } from "hono/route";
import { isDependencyOutage, OUTAGE_RETRY_AFTER_SECONDS } from "./dependency-outage";
import { failureToResponse, internalErrorResponse } from "./error-body";
import { requestId, type RequestIdVariables } from "./request-id";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";
export type AppEnv<E extends Env> = E & { Variables: RequestIdVariables };
type Handler<E extends Env> = (c: Context<AppEnv<E>>) => Response | Promise<Response>;

export interface AppLogger {
  error(event: string, fields: Record<string, unknown>): void;
}

/**
 * A Hono app with the conventions both workers share: X-Request-Id on every
 * response, JSON errors, 404 for unknown routes, 503 when a dependency is
 * unreachable and an opaque 500 for bugs.
 */
export function createJsonApp<E extends Env>(logger: AppLogger): Hono<AppEnv<E>> {
  const app = new Hono<AppEnv<E>>();
  app.use(requestId);
  app.notFound(() => failureToResponse({ reason: "not_found" }));
  app.onError((error, c) => unexpectedErrorResponse(logger, error, { requestId: c.get("requestId"), method: c.req.method, route: routePath(c) }));
  return app;
}

/**
 * The answer to an error no handler caught: 503 when a dependency is
 * unreachable, otherwise an opaque 500. Either way the log gets what may be
 * logged about it (describeError), never the request's content.
 */
export function unexpectedErrorResponse(logger: AppLogger, error: unknown, request: { requestId: string; method: string; route: string }): Response {
  if (isDependencyOutage(error)) {
    logger.error("dependency_unavailable", { request_id: request.requestId, route: request.route, ...describeError(error) });
    return failureToResponse({ reason: "service_unavailable", retryAfterSeconds: OUTAGE_RETRY_AFTER_SECONDS });
  }
  logger.error("unhandled_error", { request_id: request.requestId, method: request.method, route: request.route, ...describeError(error) });
  return internalErrorResponse();
}

/**
 * What may be logged about an unexpected error: its name, the first line of its
 * message (drizzle puts bound parameters on later lines; they can hold personal
 * data) and a database error code when there is one.
 */
export function describeError(error: unknown): Record<string, string> {
  if (!(error instanceof Error)) return { error: "non_error_thrown" };
  const firstLine = (error.message.split("\n")[0] ?? "").slice(0, 300);
  const cause = error.cause;
  const code = typeof cause === "object" && cause !== null && "code" in cause && typeof cause.code === "string" ? cause.code : undefined;
  return { error: error.name, message: firstLine, ...(code ? { code } : {}) };
}

/**
 * Registers a resource's handlers by method; any other method on the same path
 * answers 405 with an `Allow` header instead of falling through to 404.
 */
export function resource<E extends Env>(app: Hono<AppEnv<E>>, path: string, handlers: Partial<Record<HttpMethod, Handler<E>>>): void {
  const methods = Object.keys(handlers) as HttpMethod[];
  for (const method of methods) {
    const handler = handlers[method];
    if (handler) app.on(method, path, handler);
  }
  const allow = methods.includes("GET") ? [...methods, "HEAD"] : methods;
  app.all(path, () => failureToResponse({ reason: "method_not_allowed", allow }));
}
