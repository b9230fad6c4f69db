import type { Hono } from "hono";
import { healthHttpStatus } from "../../../shared/domain/health";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { GateBindings } from "../app";
import { checkGateHealth } from "../services/health";

export const GATE_HEALTH_PATH = "/__gate/health";

export function healthRoutes(app: Hono<AppEnv<GateBindings>>): void {
  resource(app, GATE_HEALTH_PATH, {
    GET: async (c) => {
      const deps = c.get("deps");
      const report = await checkGateHealth({ ...deps.probes, tenantsNamed: deps.config.tenants.kind !== "unset" });
      return c.json(report, healthHttpStatus(report.status), { "Cache-Control": "no-store" });
    },
  });
}
