import { overallStatus, type CheckState, type HealthStatus } from "../../../shared/domain/health";
import type { DependencyProbe } from "../../../shared/ports/dependency-probe";

export interface IssuerHealthReport {
  readonly status: HealthStatus;
  readonly version: string;
  readonly checks: { readonly database: CheckState; readonly redis: CheckState; readonly keys: CheckState; readonly sms: CheckState };
  readonly latency_ms: { readonly database: number; readonly redis: number };
}

export interface IssuerHealthDeps {
  readonly version: string;
  readonly database: DependencyProbe;
  readonly redis: DependencyProbe;
  readonly keysUsable: () => Promise<boolean>;
  readonly smsProvidersConfigured: number;
}

/** Without the database or a usable signing key nobody can sign in: unhealthy. Redis or SMS down: degraded. */
export async function checkIssuerHealth(deps: IssuerHealthDeps): Promise<IssuerHealthReport> {
  const [database, redis] = await Promise.all([deps.database.check(), deps.redis.check()]);
  const keys = database.up && (await deps.keysUsable());
  const checks = {
    database: state(database.up),
    redis: state(redis.up),
    keys: state(keys),
    sms: state(deps.smsProvidersConfigured > 0),
  };
  return {
    status: overallStatus(checks, ["database", "keys"]),
    version: deps.version,
    checks,
    latency_ms: { database: database.latencyMs, redis: redis.latencyMs },
  };
}

function state(up: boolean): CheckState {
  return up ? "up" : "down";
}
