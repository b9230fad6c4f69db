import type { Hono } from "hono";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";
import { openApiDocument } from "../openapi/document";

/** Public and the same for everyone, so any origin may read it (API explorers, code generators). */
export function openApiRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/openapi.json", {
    GET: (c) =>
      c.json(openApiDocument(c.get("deps").config.version), 200, {
        "Cache-Control": "public, max-age=300",
        "Access-Control-Allow-Origin": "*",
      }),
  });
}
