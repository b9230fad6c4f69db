import { createIssuerApp } from "./app";
import { issuerDeps } from "./deps";
import { runScheduledMaintenance } from "./services/maintenance";
import { consumeWebhookBatch } from "./services/webhooks/webhook-consumer";
import type { WebhookQueueMessage } from "../../shared/ports/webhook-queue";

export { AuditSpool } from "../../shared/adapters/durable-objects/audit-spool";
export { LoginGuard } from "../../shared/adapters/durable-objects/login-guard";
export { MfaTicketGuard } from "../../shared/adapters/durable-objects/mfa-ticket-guard";
export { PhoneCodeGuard } from "../../shared/adapters/durable-objects/phone-code-guard";
export { RateLimiter } from "../../shared/adapters/durable-objects/rate-limiter";

const app = createIssuerApp(issuerDeps);

export default {
  fetch: app.fetch,
  scheduled: (_controller, env, ctx) => {
    ctx.waitUntil(runScheduledMaintenance(issuerDeps(env)));
  },
  queue: (batch, env) => consumeWebhookBatch(batch, issuerDeps(env)),
} satisfies ExportedHandler<Env, WebhookQueueMessage>;
