import { afterEach, describe, expect, it, vi } from "vitest";
import { generateNumericCode } from "../../../shared/crypto/otp-code";

/**
 * Each statistical test below fails for a correct generator with at most this
 * probability; there are two of them, so the file as a whole stays under 1e-9.
 */
const FALSE_ALARM_PER_TEST = 5e-10;

describe("generateNumericCode", () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it.each([4, 5, 6, 7, 8, 9, 10])("returns exactly %i decimal digits", (length) => {
    for (let round = 0; round < 200; round++) expect(generateNumericCode(length)).toMatch(new RegExp(`^[0-9]{${length}}$`));
  });

  it.each([3, 11, 0, -6, 6.5, Number.NaN, Number.POSITIVE_INFINITY])("refuses a length of %s", (length) => {
    expect(() => generateNumericCode(length)).toThrow(RangeError);
  });

  it("keeps leading zeros instead of shortening or avoiding them", () => {
    // One code in ten starts with 0; missing it in 2,000 tries has probability 0.9^2000.
    const codes = Array.from({ length: 2_000 }, () => generateNumericCode(6));
    const leadingZero = codes.find((code) => code.startsWith("0"));
    expect(leadingZero).toBeDefined();
    expect(leadingZero).toHaveLength(6);
  });

  it("does not repeat codes more than chance allows", () => {
    // 1,000 draws from 10^10 codes: ~5e-5 expected repeats; three or more has probability ~2e-14.
    const codes = new Set(Array.from({ length: 1_000 }, () => generateNumericCode(10)));
    expect(codes.size).toBeGreaterThanOrEqual(998);
  });

  it("discards 32-bit draws at or above the largest multiple of 10^length instead of folding them (no modulo bias)", () => {
    // For 6 digits the limit is 4294 * 10^6 = 4_294_000_000. A plain `% 10^6`
    // would turn the first draw into "967295" and so favour low codes.
    const draws = feedRandomDraws([2 ** 32 - 1, 4_294_000_000, 4_293_999_999]);
    expect(generateNumericCode(6)).toBe("999999");
    expect(draws.taken()).toBe(3);
  });

  it("accepts the draw just below the limit and pads it to the full length", () => {
    // For 4 digits the limit is 429496 * 10^4 = 4_294_960_000.
    const draws = feedRandomDraws([4_294_960_000, 7]);
    expect(generateNumericCode(4)).toBe("0007");
    expect(draws.taken()).toBe(2);
  });

  it("uses every digit equally often (chi-square over 500,000 digits)", () => {
    const counts = new Array<number>(10).fill(0);
    let digits = 0;
    while (digits < 500_000) {
      for (const char of generateNumericCode(6)) counts[Number(char)] = (counts[Number(char)] ?? 0) + 1;
      digits += 6;
    }
    expect(counts.every((count) => count > 0)).toBe(true);
    // Strong enough to catch `byte % 10` (noncentrality ~180) but not the
    // 2^-12 bias of folding a 32-bit draw; the two tests above cover that.
    expect(chiSquareUniform(counts)).toBeLessThan(chiSquareCriticalValue(9, FALSE_ALARM_PER_TEST));
  });

  it("is uniform at every position of every length, including the split path past 9 digits", () => {
    const perLength = 4_000;
    let statistic = 0;
    let degreesOfFreedom = 0;
    for (let length = 4; length <= 10; length++) {
      const positions = Array.from({ length }, () => new Array<number>(10).fill(0));
      for (let round = 0; round < perLength; round++) {
        const code = generateNumericCode(length);
        for (let index = 0; index < length; index++) {
          const row = positions[index]!;
          const digit = Number(code[index]);
          row[digit] = (row[digit] ?? 0) + 1;
        }
      }
      for (const row of positions) {
        statistic += chiSquareUniform(row);
        degreesOfFreedom += 9;
      }
    }
    expect(degreesOfFreedom).toBe(441);
    expect(statistic).toBeLessThan(chiSquareCriticalValue(degreesOfFreedom, FALSE_ALARM_PER_TEST));
  });
});

describe("chi-square critical values used above", () => {
  // Published upper-tail quantiles (NIST/SEMATECH e-Handbook, table 1.3.6.7.4).
  it.each([
    [9, 0.05, 16.919],
    [9, 0.001, 27.877],
    [10, 0.01, 23.209],
    [100, 0.001, 149.449],
  ])("df %i at p %f is %f", (degreesOfFreedom, probability, expected) => {
    expect(chiSquareCriticalValue(degreesOfFreedom, probability)).toBeCloseTo(expected, 2);
  });

  it("matches the closed form for even degrees of freedom far in the tail", () => {
    // For df = 2k, P(X > x) = e^(-x/2) * sum_{i<k} (x/2)^i / i!.
    const x = 60;
    let sum = 0;
    let term = 1;
    for (let index = 0; index < 5; index++) {
      sum += term;
      term *= x / 2 / (index + 1);
    }
    expect(chiSquareSurvival(10, x) / (Math.exp(-x / 2) * sum)).toBeCloseTo(1, 9);
  });
});

function feedRandomDraws(values: readonly number[]): { taken: () => number } {
  let next = 0;
  vi.spyOn(crypto, "getRandomValues").mockImplementation(<T extends ArrayBufferView | null>(array: T): T => {
    if (!(array instanceof Uint32Array) || array.length !== 1) throw new Error("expected one 32-bit draw");
    const value = values[next];
    if (value === undefined) throw new Error("ran out of scripted draws");
    next += 1;
    array[0] = value;
    return array;
  });
  return { taken: () => next };
}

function chiSquareUniform(counts: readonly number[]): number {
  const total = counts.reduce((sum, count) => sum + count, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
}

/** The x with P(X > x) = probability for X ~ chi-square(df), by bisection on the survival function. */
function chiSquareCriticalValue(degreesOfFreedom: number, probability: number): number {
  let low = 0;
  let high = degreesOfFreedom + 10;
  while (chiSquareSurvival(degreesOfFreedom, high) > probability) high *= 2;
  for (let round = 0; round < 200; round++) {
    const middle = (low + high) / 2;
    if (chiSquareSurvival(degreesOfFreedom, middle) > probability) low = middle;
    else high = middle;
  }
  return (low + high) / 2;
}

/** P(X > x) for X ~ chi-square(df): the regularized upper incomplete gamma Q(df/2, x/2). */
function chiSquareSurvival(degreesOfFreedom: number, x: number): number {
  return upperRegularizedGamma(degreesOfFreedom / 2, x / 2);
}

// Numerical Recipes (3rd ed.) §6.2: the series for P when x < a + 1, Lentz's continued fraction for Q otherwise.
function upperRegularizedGamma(a: number, x: number): number {
  if (x <= 0) return 1;
  const logPrefactor = -x + a * Math.log(x) - logGamma(a);
  if (x < a + 1) {
    let term = 1 / a;
    let sum = term;
    for (let n = 1; n < 10_000 && Math.abs(term) > Math.abs(sum) * 1e-16; n++) {
      term *= x / (a + n);
      sum += term;
    }
    return 1 - sum * Math.exp(logPrefactor);
  }
  const tiny = 1e-300;
  let b = x + 1 - a;
  let c = 1 / tiny;
  let d = 1 / b;
  let h = d;
  for (let n = 1; n < 10_000; n++) {
    const an = -n * (n - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < tiny) d = tiny;
    c = b + an / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < 1e-16) break;
  }
  return Math.exp(logPrefactor) * h;
}

// Lanczos approximation (g = 7, n = 9), accurate to ~1e-15 for a > 0.
function logGamma(a: number): number {
  const coefficients = [
    0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
    -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
  ];
  if (a < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * a)) - logGamma(1 - a);
  const z = a - 1;
  let sum = coefficients[0]!;
  for (let index = 1; index < coefficients.length; index++) sum += coefficients[index]! / (z + index);
  const t = z + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(sum);
}
