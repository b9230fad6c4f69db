import { createJsonApp } from "../../shared/http/create-app";
import { createLogger } from "../../shared/logging/logger";
import type { GateDeps } from "./deps";
import { healthRoutes } from "./routes/health";
import { proxyRoutes } from "./routes/proxy";

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
