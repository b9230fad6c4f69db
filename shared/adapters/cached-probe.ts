import type { DependencyProbe, ProbeResult } from "../ports/dependency-probe";

/**
 * Answers from the last check for `ttlMs`, and lets concurrent callers share one check, so a
 * monitor polling /health (or many at once) does not turn into calls to a vendor's API.
 */
export function cachedProbe(inner: DependencyProbe, ttlMs: number, now: () => number = Date.now): DependencyProbe {
  let last: { result: ProbeResult; at: number } | null = null;
  let inFlight: Promise<ProbeResult> | null = null;
  return {
    check(): Promise<ProbeResult> {
      if (last && now() - last.at < ttlMs) return Promise.resolve(last.result);
      inFlight ??= inner.check().then((result) => {
        last = { result, at: now() };
        inFlight = null;
        return result;
      });
      return inFlight;
    },
  };
}
