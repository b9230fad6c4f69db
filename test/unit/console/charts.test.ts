import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { CHART_STRINGS_EN } from "../../../workers/issuer/console/charts/chart-strings-en";
import { niceScale } from "../../../workers/issuer/console/charts/nice-scale";
import { SERIES_STYLES } from "../../../workers/issuer/console/charts/series-styles";
import { timeTicks } from "../../../workers/issuer/console/charts/time-ticks";
import { contrastRatio } from "../../../workers/issuer/pages/contrast";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const hours = (count: number, from = Date.UTC(2026, 11, 3, 0)) => Array.from({ length: count }, (_, index) => new Date(from + index * HOUR));
const days = (count: number, from = Date.UTC(2026, 10, 3)) => Array.from({ length: count }, (_, index) => new Date(from + index * DAY));

describe("nice scale", () => {
  it("starts at 0, ends on a round number at or above the largest value, in at most the asked intervals", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (largest, maxIntervals, integer) => {
        const value = integer ? Math.ceil(largest) : largest;
        const scale = niceScale(value, { maxIntervals, integer });
        expect(scale.ticks[0]).toBe(0);
        // Within rounding noise (12 significant digits) counts as on the tick: far under a pixel.
        expect(scale.max).toBeGreaterThanOrEqual(value * (1 - 1e-12));
        expect(scale.ticks.at(-1)).toBe(scale.max);
        expect(scale.ticks.length - 1).toBeLessThanOrEqual(maxIntervals);
        const mantissa = scale.step / 10 ** Math.floor(Math.log10(scale.step));
        expect([1, 2, 2.5, 5].some((round) => Math.abs(mantissa - round) < 1e-9)).toBe(true);
        if (integer) expect(scale.ticks.every(Number.isInteger)).toBe(true);
      }),
    );
  });

  it("gives counts whole-number ticks: three sign-ins read 0, 1, 2, 3 — never 1.5", () => {
    expect(niceScale(3, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(niceScale(1, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 1]);
    expect(niceScale(7, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 2, 4, 6, 8]);
    expect(niceScale(1234, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it("writes decimal ticks without floating-point noise", () => {
    expect(niceScale(0.37, { maxIntervals: 5, integer: false }).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceScale(0.3, { maxIntervals: 5, integer: false }).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it("refuses a maximum that is not a positive number (the empty chart never builds a scale)", () => {
    for (const largest of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => niceScale(largest, { maxIntervals: 5, integer: true })).toThrow(RangeError);
  });
});

describe("time axis ticks", () => {
  const labels = (buckets: Date[], budget: number) => timeTicks(buckets, budget, CHART_STRINGS_EN).map((tick) => tick.label);

  it("labels 24 hourly buckets every few hours on the clock, and the midnight with its date", () => {
    expect(labels(hours(25, Date.UTC(2026, 11, 2, 7)), 8)).toEqual(["09:00", "12:00", "15:00", "18:00", "21:00", "3 Dec", "03:00", "06:00"]);
  });

  it("labels seven days of hourly buckets at each midnight UTC", () => {
    expect(labels(hours(169, Date.UTC(2026, 10, 26, 7)), 8)).toEqual(["27 Nov", "28 Nov", "29 Nov", "30 Nov", "1 Dec", "2 Dec", "3 Dec"]);
  });

  it("labels thirty daily buckets on Mondays when every other day would crowd the axis", () => {
    const ticks = timeTicks(days(31, Date.UTC(2026, 10, 3)), 8, CHART_STRINGS_EN);
    expect(ticks.map((tick) => tick.label)).toEqual(["9 Nov", "16 Nov", "23 Nov", "30 Nov"]);
    for (const tick of ticks) expect(new Date(Date.UTC(2026, 10, 3) + tick.index * DAY).getUTCDay()).toBe(1);
  });

  describe("in a server whose local time zone is not UTC", () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it("still labels the buckets in UTC", () => {
      process.env.TZ = "Pacific/Kiritimati";
      expect(new Date(Date.UTC(2026, 11, 3, 0)).getHours()).not.toBe(0);
      expect(labels(hours(25, Date.UTC(2026, 11, 2, 7)), 8)).toEqual(["09:00", "12:00", "15:00", "18:00", "21:00", "3 Dec", "03:00", "06:00"]);
    });
  });
});

describe("series styles", () => {
  it("every colour passes WCAG AA (4.5:1) against white", () => {
    for (const style of SERIES_STYLES) expect(contrastRatio(style.color, "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });

  it("every style has its own dash pattern, marker and hatch, so colour is never the only cue", () => {
    for (const key of ["color", "dash", "marker", "hatch"] as const) expect(new Set(SERIES_STYLES.map((style) => style[key])).size).toBe(SERIES_STYLES.length);
  });

  it("every two colours are far apart for normal colour vision (CIELAB ΔE ≥ 20)", () => {
    for (const [index, a] of SERIES_STYLES.entries()) {
      for (const b of SERIES_STYLES.slice(index + 1)) expect(deltaE(a.color, b.color), `${a.color} and ${b.color}`).toBeGreaterThanOrEqual(20);
    }
  });
});

/** CIE76 colour difference of two `#rrggbb` colours (sRGB, D65). */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const channel = (offset: number) => {
      const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    };
    const [r, g, bl] = [channel(1), channel(3), channel(5)];
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047);
    const y = f(0.2126 * r + 0.7152 * g + 0.0722 * bl);
    const z = f((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)] as const;
  };
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}
