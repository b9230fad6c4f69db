import { MAX_REFRESH_REUSE_INTERVAL_SECONDS } from "../../../shared/domain/tenant-settings";
import type { IssuerDeps } from "../deps";
import { drainAuditSpool } from "./audit-spool-drain";
import { CRON_DRAIN_BUDGET_MS, drainRevocationOutbox } from "./revocation-publisher";
import { runWebhookUpkeep } from "./webhooks/webhook-upkeep";

/** How long a spent or expired authorization code is kept after its expiry. */
export const AUTHORIZATION_CODE_RETENTION_MS = 60 * 60 * 1000;

/** The cron's work: rotate the signing key when due, make KV hold the published keys, replay revocations Upstash has not seen yet, move spooled audit events into the audit log, disable failing webhook endpoints and enqueue due deliveries, and forget expired idempotency keys, old webhook history, refresh-token retry copies, email link tokens, WebAuthn challenges and authorization codes. */
export async function runScheduledMaintenance(deps: IssuerDeps): Promise<void> {
  const results = await Promise.allSettled([
    (async () => {
      if (await deps.signingKeys.rotationDue()) {
        const rotated = await deps.signingKeys.rotate();
        deps.logger.info("signing_key_rotated", { ...rotated, by: "schedule" });
      }
      if (await deps.signingKeys.healPublishedJwks()) deps.logger.warn("jwks_kv_healed");
    })(),
    drainRevocationOutbox(deps.revocations, deps.revocationList, deps.logger, { budgetMs: CRON_DRAIN_BUDGET_MS }),
    // The webhook upkeep follows the spool drain: a spooled lockout's event is written as it lands.
    drainAuditSpool(deps.auditSpool, deps.auditLog, deps.logger).finally(() => runWebhookUpkeep(deps, new Date())),
    (async () => {
      // Twice the longest interval: the copy's age is on the database's clock, the interval on the workers'.
      const forgotten = await deps.sessions.forgetRetryCopies(new Date(Date.now() - 2 * MAX_REFRESH_REUSE_INTERVAL_SECONDS * 1000));
      if (forgotten > 0) deps.logger.info("refresh_retry_copies_forgotten", { count: forgotten });
    })(),
    (async () => {
      const deleted = await deps.emailTokens.deleteExpired(new Date());
      if (deleted > 0) deps.logger.info("email_tokens_deleted", { count: deleted });
    })(),
    (async () => {
      const deleted = await deps.webauthnChallenges.deleteExpired(new Date());
      if (deleted > 0) deps.logger.info("webauthn_challenges_deleted", { count: deleted });
    })(),
    (async () => {
      // Kept an hour past expiry, so a late replay still finds the row and revokes what the first use opened.
      const deleted = await deps.authorizationCodes.deleteExpired(new Date(Date.now() - AUTHORIZATION_CODE_RETENTION_MS));
      if (deleted > 0) deps.logger.info("authorization_codes_deleted", { count: deleted });
    })(),
    (async () => {
      const deleted = await deps.upstreamRequests.deleteExpired(new Date());
      if (deleted > 0) deps.logger.info("upstream_requests_deleted", { count: deleted });
    })(),
    (async () => {
      const purged = await deps.idempotency.purgeExpired();
      if (purged > 0) deps.logger.info("idempotency_keys_purged", { count: purged });
    })(),
  ]);
  for (const result of results) {
    if (result.status === "rejected") deps.logger.error("maintenance_failed", { error: result.reason instanceof Error ? result.reason.name : "unknown" });
  }
}
