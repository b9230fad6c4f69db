import { overallStatus, type CheckState, type HealthStatus } from "../../../shared/domain/health";
import type { DependencyProbe } from "../../../shared/ports/dependency-probe";

export interface GateHealthReport {
  readonly status: HealthStatus;
  readonly checks: { readonly jwks: CheckState; readonly revocation: CheckState };
  /** Configuration that keeps the gate from serving, by variable name; present only when there is some. */
  readonly problems?: readonly string[];
}

export interface GateHealthDeps {
  readonly jwks: DependencyProbe;
  readonly revocation: DependencyProbe;
  /** False when `GATE_TENANTS` is missing or empty: the gate refuses every request but this one. */
  readonly tenantsNamed: boolean;
}

export const TENANTS_NOT_NAMED = "GATE_TENANTS is not set: name the tenants this gate serves, or * for any tenant of the issuer";

/**
 * Without keys the gate can validate nothing, and without named tenants it
 * serves nothing: unhealthy. Without the revocation store it serves from its
 * snapshot: degraded.
 */
export async function checkGateHealth(deps: GateHealthDeps): Promise<GateHealthReport> {
  const [jwks, revocation] = await Promise.all([deps.jwks.check(), deps.revocation.check()]);
  const checks = { jwks: state(jwks.up), revocation: state(revocation.up) };
  if (!deps.tenantsNamed) return { status: "unhealthy", checks, problems: [TENANTS_NOT_NAMED] };
  return { status: overallStatus(checks, ["jwks"]), checks };
}

function state(up: boolean): CheckState {
  return up ? "up" : "down";
}

