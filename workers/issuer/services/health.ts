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
}

export interface IssuerHealthDeps {
  readonly version: string;
  readonly database: DependencyProbe;
  readonly redis: DependencyProbe;
  readonly keysUsable: () => Promise<boolean>;
  /** The providers codes are sent through, each with an authenticated call to its API. */
  readonly smsProviders: readonly { readonly name: SmsProviderName; readonly probe: DependencyProbe }[];
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
  };
}

function state(up: boolean): CheckState {
  return up ? "up" : "down";
}
