/** A provider that has not answered in this long is treated as down, and the next one is tried. */
export const SMS_PROVIDER_TIMEOUT_MS = 5_000;

/** A short, log-safe description of a thrown fetch error (never the request). */
export function describeFetchError(error: unknown): string {
  if (error instanceof Error && (error.name === "TimeoutError" || error.name === "AbortError")) return "timeout";
  return "network_error";
}
