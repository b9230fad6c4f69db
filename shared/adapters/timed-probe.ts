import type { DependencyProbe, ProbeResult } from "../ports/dependency-probe";

/** Health probes give up after this long: a hanging dependency is a down dependency. */
export const PROBE_TIMEOUT_MS = 2_000;

/** Wraps a check so it is timed, bounded by PROBE_TIMEOUT_MS and never throws. */
export function timedProbe(check: (signal: AbortSignal) => Promise<boolean>, timeoutMs = PROBE_TIMEOUT_MS): DependencyProbe {
  return {
    async check(): Promise<ProbeResult> {
      const started = Date.now();
      const controller = new AbortController();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timeout = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => {
          controller.abort();
          resolve(false);
        }, timeoutMs);
      });
      let up: boolean;
      try {
        up = await Promise.race([check(controller.signal), timeout]);
      } catch {
        up = false;
      } finally {
        if (timer !== undefined) clearTimeout(timer);
      }
      return { up, latencyMs: Date.now() - started };
    },
  };
}
