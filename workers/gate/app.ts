import { createJsonApp, unexpectedErrorResponse } from "../../shared/http/create-app";
import { REQUEST_ID_HEADER, saneRequestId } from "../../shared/http/request-id";
import { createLogger } from "../../shared/logging/logger";
import type { GateDeps } from "./deps";
import { GATE_HEALTH_PATH, healthRoutes } from "./routes/health";
import { proxyRoutes } from "./routes/proxy";
import { handleGatedRequest } from "./services/gate-handler";

export type GateBindings = { Bindings: Env; Variables: { deps: GateDeps } };

export function createGateApp(buildDeps: (env: Env) => GateDeps) {
  const app = createJsonApp<GateBindings>(createLogger("gate", "error"));
  app.use(async (c, next) => {
    c.set("deps", buildDeps(c.env));
    await next();
  });
  healthRoutes(app);
  proxyRoutes(app);
  return app;
}

/**
 * The gate's fetch handler. A request the app would route to the proxy is
 * answered here directly, with the same request id, checks and error answers
 * but without the router and middleware around them, since every request the
 * gate serves pays for those. Anything else (the health route, a path the
 * router would percent-decode, HEAD, which the router answers as GET) goes
 * through the app.
 */
export function createGateHandler(buildDeps: (env: Env) => GateDeps): ExportedHandlerFetchHandler<Env> {
  const app = createGateApp(buildDeps);
  const logger = createLogger("gate", "error");
  return async (request, env, ctx) => {
    if (!isPlainProxyRequest(request)) return app.fetch(request, env, ctx);
    const requestId = saneRequestId(request.headers.get(REQUEST_ID_HEADER));
    let response: Response;
    try {
      response = await handleGatedRequest(buildDeps(env), { request, requestId, waitUntil: (work) => ctx.waitUntil(work) });
    } catch (error) {
      response = unexpectedErrorResponse(logger, error, { requestId, method: request.method, route: "*" });
    }
    response.headers.set(REQUEST_ID_HEADER, requestId);
    return response;
  };
}

/** True when the app's router would send the request to the proxy route: no percent-encoding to decode, not the health path, not HEAD. */
function isPlainProxyRequest(request: Request): boolean {
  if (request.method === "HEAD") return false;
  const { url } = request;
  const start = url.indexOf("/", url.indexOf(":") + 3);
  if (start === -1) return false;
  let end = start;
  while (end < url.length) {
    const code = url.charCodeAt(end);
    if (code === 37 /* % */) return false;
    if (code === 63 /* ? */ || code === 35 /* # */) break;
    end += 1;
  }
  return url.slice(start, end) !== GATE_HEALTH_PATH;
}
