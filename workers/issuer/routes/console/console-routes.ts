import type { Hono } from "hono";
import type { AppEnv } from "../../../../shared/http/create-app";
import type { IssuerBindings } from "../../app";
import { consoleAuditRoutes } from "./console-audit";
import { consoleDashboardRoutes } from "./console-dashboard";
import { consoleSignInRoutes } from "./console-sign-in";
import { consoleTenantRoutes } from "./console-tenants";
import { consoleUserRoutes } from "./console-users";

/** The operator console (docs/console.md): server-rendered pages behind a sign-in with ADMIN_TOKEN. */
export function consoleRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  consoleSignInRoutes(app);
  consoleDashboardRoutes(app);
  consoleTenantRoutes(app);
  consoleUserRoutes(app);
  consoleAuditRoutes(app);
}
