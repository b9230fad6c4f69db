import type { DependencyProbe, ProbeResult } from "../ports/dependency-probe";

/**
 * Answers from the last finished check for `ttlMs`, so a monitor polling /health does not
 * turn into calls to a vendor's API. An unfinished check is never shared: in Workers a
 * promise started by one request may never settle for another (if the first is cancelled),
 * so requests that find the cache stale at the same moment each ask once.
 */
export function cachedProbe(inner: DependencyProbe, ttlMs: number, now: () => number = Date.now): DependencyProbe {
  let last: { result: ProbeResult; at: number } | null = null;
  return {
    async check(): Promise<ProbeResult> {
      if (last && now() - last.at < ttlMs) return last.result;
      const result = await inner.check();
      last = { result, at: now() };
      return result;
    },
  };
}
