/** A y scale from 0 to a round number, with evenly spaced round ticks. */
export interface NiceScale {
  /** The top of the axis: the largest value rounded up to a whole number of steps. */
  readonly max: number;
  readonly step: number;
  /** 0, step, 2·step … max. */
  readonly ticks: readonly number[];
}

/**
 * Round ticks from 0 up to at least `largest`: a step of 1, 2, 2.5 or 5 times a power of ten,
 * the smallest that needs no more than `maxIntervals` intervals. Counts get whole steps only (an
 * axis reading "1.5 sign-ins" is wrong). Each tick is computed as a multiple of the step and
 * rounded to 12 significant digits, so 0.1 × 3 reads 0.3, not 0.30000000000000004 (and a value
 * within that rounding of a tick, such as 0.30000000000000004, tops out on it).
 */
export function niceScale(largest: number, options: { readonly maxIntervals: number; readonly integer: boolean }): NiceScale {
  if (!Number.isFinite(largest) || largest <= 0) throw new RangeError("a nice scale needs a positive, finite maximum");
  const intervals = Math.max(1, Math.floor(options.maxIntervals));
  const magnitude = 10 ** Math.floor(Math.log10(largest / intervals));
  // 10 × magnitude always fits (magnitude ≤ largest / intervals < 10 × magnitude); 1 is the fallback for counts below one per interval.
  const candidates = [1, 2, 2.5, 5, 10].map((multiple) => precise(multiple * magnitude)).filter((candidate) => !options.integer || Number.isInteger(candidate));
  const step = candidates.find((candidate) => Math.ceil(precise(largest / candidate)) <= intervals) ?? 1;
  const count = Math.ceil(precise(largest / step));
  const ticks = Array.from({ length: count + 1 }, (_, index) => precise(index * step));
  return { max: precise(count * step), step: precise(step), ticks };
}

function precise(value: number): number {
  return Number(value.toPrecision(12));
}
