import { overallStatus, type CheckState, type HealthStatus } from "../../../shared/domain/health";
import type { DependencyProbe } from "../../../shared/ports/dependency-probe";

export interface GateHealthReport {
  readonly status: HealthStatus;
  readonly checks: { readonly jwks: CheckState; readonly revocation: CheckState };
}

export interface GateHealthDeps {
  readonly jwks: DependencyProbe;
  readonly revocation: DependencyProbe;
}

/** Without keys the gate can validate nothing: unhealthy. Without the revocation store it serves from its snapshot: degraded. */
export async function checkGateHealth(deps: GateHealthDeps): Promise<GateHealthReport> {
  const [jwks, revocation] = await Promise.all([deps.jwks.check(), deps.revocation.check()]);
  const checks = { jwks: state(jwks.up), revocation: state(revocation.up) };
  return { status: overallStatus(checks, ["jwks"]), checks };
}

function state(up: boolean): CheckState {
  return up ? "up" : "down";
}

