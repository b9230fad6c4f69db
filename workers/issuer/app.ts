import { createJsonApp } from "../../shared/http/create-app";
import { createLogger } from "../../shared/logging/logger";
import type { IssuerDeps } from "./deps";
import { healthRoutes } from "./routes/health";
import { wellKnownRoutes } from "./routes/well-known";

export type IssuerBindings = { Bindings: Env; Variables: { deps: IssuerDeps } };

/** The issuer's routes; `buildDeps` is the composition root (deps.ts), passed in so tests can swap it. */
export function createIssuerApp(buildDeps: (env: Env) => IssuerDeps) {
  const app = createJsonApp<IssuerBindings>(createLogger("issuer", "error"));
  app.use(async (c, next) => {
    c.set("deps", buildDeps(c.env));
    await next();
  });
  healthRoutes(app);
  wellKnownRoutes(app);
  return app;
}
