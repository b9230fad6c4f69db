export type CheckState = "up" | "down";
export type HealthStatus = "healthy" | "degraded" | "unhealthy";

/** `healthy` 200, `degraded` 207, `unhealthy` 503, as docs/api.md says. */
export function healthHttpStatus(status: HealthStatus): 200 | 207 | 503 {
  switch (status) {
    case "healthy":
      return 200;
    case "degraded":
      return 207;
    case "unhealthy":
      return 503;
  }
}

/**
 * Critical checks make the service unhealthy when down; the others only
 * degrade it (it keeps doing what it can without them).
 */
export function overallStatus<K extends string>(checks: Readonly<Record<K, CheckState>>, critical: readonly K[]): HealthStatus {
  const states = Object.entries(checks) as [K, CheckState][];
  if (states.some(([name, state]) => state === "down" && critical.includes(name))) return "unhealthy";
  if (states.some(([, state]) => state === "down")) return "degraded";
  return "healthy";
}
