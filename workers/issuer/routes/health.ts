import type { Hono } from "hono";
import { healthHttpStatus } from "../../../shared/domain/health";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import type { IssuerBindings } from "../app";
import { checkIssuerHealth } from "../services/health";

export function healthRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/health", {
    GET: async (c) => {
      const deps = c.get("deps");
      const report = await checkIssuerHealth({
        version: deps.config.version,
        database: deps.probes.database,
        redis: deps.probes.redis,
        keysUsable: () => deps.signingKeys.keysUsable(),
        smsProviders: deps.probes.sms,
        revocationBacklog: () => deps.revocations.backlog(),
        webhookBacklog: () => deps.webhookLedger.backlog(new Date()),
        now: () => new Date(),
      });
      return c.json(report, healthHttpStatus(report.status), { "Cache-Control": "no-store" });
    },
  });
}
