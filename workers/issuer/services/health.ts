import { overallStatus, type CheckState, type HealthStatus } from "../../../shared/domain/health";
import type { DependencyProbe } from "../../../shared/ports/dependency-probe";

export type SmsProviderName = "twilio" | "sns";
/** A provider's state: its API accepted our credentials (`up`), did not (`down`), or it is not in use. */
export type SmsProviderState = CheckState | "not_configured";

export interface IssuerHealthReport {
  readonly status: HealthStatus;
  readonly version: string;
  readonly checks: { readonly database: CheckState; readonly redis: CheckState; readonly keys: CheckState; readonly sms: CheckState };
  /** What the `sms` check is made of, provider by provider. */
  readonly sms_providers: Readonly<Record<SmsProviderName, SmsProviderState>>;
  readonly latency_ms: { readonly database: number; readonly redis: number };
  /** Revocations acknowledged but not yet on the gate's list; null when the database cannot say. */
  readonly revocation_outbox: { readonly pending: number | null; readonly oldest_age_seconds: number | null };
  /** Webhook deliveries not yet succeeded or dead, and how long the oldest due one has waited; null when the database cannot say. */
  readonly webhook_outbox: { readonly pending: number | null; readonly oldest_due_age_seconds: number | null };
}

export interface IssuerHealthDeps {
  readonly version: string;
  readonly database: DependencyProbe;
  readonly redis: DependencyProbe;
  readonly keysUsable: () => Promise<boolean>;
  /** The providers codes are sent through, each with an authenticated call to its API. */
  readonly smsProviders: readonly { readonly name: SmsProviderName; readonly probe: DependencyProbe }[];
  readonly revocationBacklog: () => Promise<{ pending: number; oldestQueuedAt: Date | null }>;
  readonly webhookBacklog: () => Promise<{ pending: number; oldestDueAt: Date | null }>;
  readonly now: () => Date;
}

/**
 * Without the database or a usable signing key nobody can sign in: unhealthy. Redis down, or
 * no SMS provider answering with our credentials: degraded. `sms` is up while one provider
 * answers, since sends fail over.
 */
export async function checkIssuerHealth(deps: IssuerHealthDeps): Promise<IssuerHealthReport> {
  const [database, redis, ...sms] = await Promise.all([deps.database.check(), deps.redis.check(), ...deps.smsProviders.map((provider) => provider.probe.check())]);
  const keys = database.up && (await deps.keysUsable());
  const providers: Record<SmsProviderName, SmsProviderState> = { twilio: "not_configured", sns: "not_configured" };
  deps.smsProviders.forEach((provider, index) => {
    providers[provider.name] = state(sms[index]?.up === true);
  });
  const [outbox, webhooks] = database.up
    ? await Promise.all([outboxReport(deps), webhookReport(deps)])
    : [{ pending: null, oldest_age_seconds: null }, { pending: null, oldest_due_age_seconds: null }];
  const checks = {
    database: state(database.up),
    redis: state(redis.up),
    keys: state(keys),
    sms: state(sms.some((result) => result.up)),
  };
  return {
    status: overallStatus(checks, ["database", "keys"]),
    version: deps.version,
    checks,
    sms_providers: providers,
    latency_ms: { database: database.latencyMs, redis: redis.latencyMs },
    revocation_outbox: outbox,
    webhook_outbox: webhooks,
  };
}

/** The oldest entry's age tells operators how far the gates' list lags behind acknowledged revocations. */
async function outboxReport(deps: IssuerHealthDeps): Promise<IssuerHealthReport["revocation_outbox"]> {
  try {
    const { pending, oldestQueuedAt } = await deps.revocationBacklog();
    const age = oldestQueuedAt === null ? 0 : Math.max(0, Math.floor((deps.now().getTime() - oldestQueuedAt.getTime()) / 1000));
    return { pending, oldest_age_seconds: age };
  } catch {
    return { pending: null, oldest_age_seconds: null };
  }
}

/** A due delivery that waits long means the queue or its consumer is stuck, or receivers are failing. */
async function webhookReport(deps: IssuerHealthDeps): Promise<IssuerHealthReport["webhook_outbox"]> {
  try {
    const { pending, oldestDueAt } = await deps.webhookBacklog();
    const age = oldestDueAt === null ? 0 : Math.max(0, Math.floor((deps.now().getTime() - oldestDueAt.getTime()) / 1000));
    return { pending, oldest_due_age_seconds: age };
  } catch {
    return { pending: null, oldest_due_age_seconds: null };
  }
}

function state(up: boolean): CheckState {
  return up ? "up" : "down";
}
