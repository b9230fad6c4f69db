/** Seconds a client is asked to wait when a dependency is down. */
export const OUTAGE_RETRY_AFTER_SECONDS = 5;

/**
 * True when an error means a dependency could not be reached (network error,
 * timeout, 5xx from the database or Redis front end), as opposed to a bug or a
 * SQL error. Those become `503` with `Retry-After`, not `500`.
 */
export function isDependencyOutage(error: unknown): boolean {
  for (let current: unknown = error, depth = 0; typeof current === "object" && current !== null && depth < 6; current = (current as { cause?: unknown }).cause, depth++) {
    const { name, message, code } = current as { name?: unknown; message?: unknown; code?: unknown };
    const text = typeof message === "string" ? message : "";
    if (name === "NeonDbError" && (code === undefined || code === null) && /Error connecting to database|Server error \(HTTP status 5\d\d\)|fetch failed/i.test(text)) return true;
    if (typeof name === "string" && name.startsWith("Upstash") && /fetch failed|network|connect|HTTP status 5\d\d|Unable to parse/i.test(text)) return true;
    if (name === "TimeoutError" || (name === "TypeError" && /fetch failed|network connection lost|Network connection lost/i.test(text))) return true;
  }
  return false;
}
