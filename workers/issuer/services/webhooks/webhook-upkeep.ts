import { newId } from "../../../../shared/crypto/ids";
import type { IssuerDeps } from "../../deps";
import { dispatchDueDeliveries } from "./webhook-dispatch";

/** Events, deliveries and attempts are kept this long for the deliveries page, then deleted. */
export const WEBHOOK_RETENTION_MS = 30 * 24 * 3600 * 1000;

/**
 * The cron's part of webhooks: disable endpoints failing for too long (with an audit event each),
 * forget old history, and enqueue what is due (deliveries whose queue message was lost, and events
 * written outside a request, such as spooled lockouts).
 */
export async function runWebhookUpkeep(deps: IssuerDeps, now: Date): Promise<void> {
  const disabled = await deps.webhookLedger.disableFailing(new Date(now.getTime() - deps.config.webhooks.disableAfterMs), now);
  if (disabled.length > 0) {
    await deps.auditLog.append(
      disabled.map((endpoint) => ({
        id: newId("evt"),
        type: "webhook.endpoint_disabled",
        outcome: "success" as const,
        tenantId: endpoint.tenantId,
        userId: null,
        ip: null,
        userAgent: null,
        country: null,
        details: { webhook_id: endpoint.id, reason: "failing", failing_since: endpoint.failingSince.toISOString() },
        createdAt: now,
      })),
    );
    deps.logger.warn("webhook_endpoints_disabled", { count: disabled.length });
  }
  const purged = await deps.webhookLedger.purge(new Date(now.getTime() - WEBHOOK_RETENTION_MS));
  if (purged > 0) deps.logger.info("webhook_events_purged", { count: purged });
  const moved = await dispatchDueDeliveries({ ledger: deps.webhookLedger, queue: deps.webhookQueue, logger: deps.logger, lostMessageAfterMs: deps.config.webhooks.lostMessageAfterMs }, now);
  if (moved > 0) deps.logger.info("webhook_deliveries_enqueued", { count: moved, by: "schedule" });
}
