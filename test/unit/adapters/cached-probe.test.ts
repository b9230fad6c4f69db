import { describe, expect, it } from "vitest";
import { cachedProbe } from "../../../shared/adapters/cached-probe";
import type { ProbeResult } from "../../../shared/ports/dependency-probe";

function countingProbe(results: boolean[]): { probe: { check(): Promise<ProbeResult> }; calls: () => number } {
  let calls = 0;
  return {
    probe: {
      check: () => {
        const up = results[Math.min(calls, results.length - 1)] ?? false;
        calls += 1;
        return Promise.resolve({ up, latencyMs: 1 });
      },
    },
    calls: () => calls,
  };
}

describe("cachedProbe", () => {
  it("asks the vendor once per TTL however often /health is polled", async () => {
    let clock = 0;
    const inner = countingProbe([true, false]);
    const probe = cachedProbe(inner.probe, 30_000, () => clock);
    for (let i = 0; i < 5; i++) expect((await probe.check()).up).toBe(true);
    expect(inner.calls()).toBe(1);
    clock = 30_000;
    expect((await probe.check()).up).toBe(false);
    expect(inner.calls()).toBe(2);
  });

  it("lets concurrent callers share one call", async () => {
    const inner = countingProbe([true]);
    const probe = cachedProbe(inner.probe, 30_000, () => 0);
    const results = await Promise.all(Array.from({ length: 10 }, () => probe.check()));
    expect(results.every((result) => result.up)).toBe(true);
    expect(inner.calls()).toBe(1);
  });
});
