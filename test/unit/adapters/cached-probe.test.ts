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

  it("does not hand one request's unfinished check to another, whose promise might never settle", async () => {
    let release: (result: ProbeResult) => void = () => undefined;
    let calls = 0;
    const probe = cachedProbe({ check: () => new Promise<ProbeResult>((resolve) => { calls += 1; release = resolve; }) }, 30_000, () => 0);
    const first = probe.check();
    const second = probe.check();
    expect(calls).toBe(2);
    release({ up: true, latencyMs: 1 });
    expect((await second).up).toBe(true);
    void first;
  });
});
