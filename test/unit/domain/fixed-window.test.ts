import { describe, expect, it } from "vitest";
import { hitWindow, releaseHit, type WindowState } from "../../../shared/domain/fixed-window";

const T0 = 1_800_000_000_000;
const WINDOW_MS = 60_000;

describe("hitWindow", () => {
  it("opens a window at the first hit", () => {
    expect(hitWindow(null, T0, 3, WINDOW_MS)).toEqual({ state: { windowStart: T0, count: 1 }, decision: { allowed: true, remaining: 2, windowStart: T0 } });
  });

  it("allows exactly `limit` hits in a window, counting down what remains", () => {
    let state: WindowState | null = null;
    const remaining: number[] = [];
    for (let index = 0; index < 3; index++) {
      const result = hitWindow(state, T0 + index * 1000, 3, WINDOW_MS);
      if (result.decision.allowed) remaining.push(result.decision.remaining);
      state = result.state;
    }
    expect(remaining).toEqual([2, 1, 0]);
    expect(hitWindow(state, T0 + 10_000, 3, WINDOW_MS).decision).toEqual({ allowed: false, retryAfterMs: WINDOW_MS - 10_000 });
  });

  it("does not count a refused hit, so hammering does not push the window out", () => {
    const full: WindowState = { windowStart: T0, count: 3 };
    const refused = hitWindow(full, T0 + 30_000, 3, WINDOW_MS);
    expect(refused.state).toEqual(full);
    expect(refused.decision).toEqual({ allowed: false, retryAfterMs: 30_000 });
  });

  it("keeps the window start fixed at the first hit, not the latest", () => {
    const state = hitWindow({ windowStart: T0, count: 1 }, T0 + 50_000, 3, WINDOW_MS).state;
    expect(state).toEqual({ windowStart: T0, count: 2 });
  });

  it("still refuses one millisecond before the window ends, and starts afresh when it ends", () => {
    const full: WindowState = { windowStart: T0, count: 3 };
    expect(hitWindow(full, T0 + WINDOW_MS - 1, 3, WINDOW_MS).decision).toEqual({ allowed: false, retryAfterMs: 1 });
    expect(hitWindow(full, T0 + WINDOW_MS, 3, WINDOW_MS)).toEqual({
      state: { windowStart: T0 + WINDOW_MS, count: 1 },
      decision: { allowed: true, remaining: 2, windowStart: T0 + WINDOW_MS },
    });
  });

  it("starts the new window at the first hit after a long quiet spell", () => {
    const later = T0 + 5 * WINDOW_MS + 123;
    expect(hitWindow({ windowStart: T0, count: 3 }, later, 3, WINDOW_MS).state).toEqual({ windowStart: later, count: 1 });
  });

  it("honours a lowered limit against an existing count", () => {
    expect(hitWindow({ windowStart: T0, count: 5 }, T0 + 1000, 2, WINDOW_MS).decision).toEqual({ allowed: false, retryAfterMs: WINDOW_MS - 1000 });
  });
});

describe("releaseHit", () => {
  it("takes back one hit of the window it was counted in", () => {
    const hit = hitWindow({ windowStart: T0, count: 2 }, T0 + 1000, 3, WINDOW_MS);
    if (!hit.decision.allowed) throw new Error("expected an allowed hit");
    expect(releaseHit(hit.state, hit.decision.windowStart)).toEqual({ windowStart: T0, count: 2 });
  });

  it("leaves a later window alone, and never goes below zero", () => {
    expect(releaseHit({ windowStart: T0 + WINDOW_MS, count: 1 }, T0)).toEqual({ windowStart: T0 + WINDOW_MS, count: 1 });
    expect(releaseHit({ windowStart: T0, count: 0 }, T0)).toEqual({ windowStart: T0, count: 0 });
    expect(releaseHit(null, T0)).toBeNull();
  });
});
