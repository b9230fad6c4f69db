import type { ChartStrings } from "./chart-strings-en";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
/** 1970-01-05T00:00Z, a Monday: weekly ticks fall on Mondays. */
const FIRST_MONDAY = 4 * DAY;

/** Tick spacings a reader can count in, smallest first. */
const TICK_STEPS = [HOUR, 2 * HOUR, 3 * HOUR, 6 * HOUR, 12 * HOUR, DAY, 2 * DAY, WEEK, 2 * WEEK, 4 * WEEK] as const;

export interface TimeTick {
  /** The bucket the tick marks the start of. */
  readonly index: number;
  readonly label: string;
}

/**
 * Which bucket starts get a label on the time axis, at most `maxTicks` of them: the first spacing
 * from TICK_STEPS that is a whole number of buckets and leaves few enough aligned starts (hours
 * divisible by the step, midnights UTC, Mondays for weeks). Aligning to the clock rather than to
 * the first bucket keeps the labels in place as the range slides forward. Buckets are the evenly
 * spaced starts the dashboard builds (hourly or daily); with fewer than two, the first is labelled.
 */
export function timeTicks(buckets: readonly Date[], maxTicks: number, strings: ChartStrings): TimeTick[] {
  const times = buckets.map((bucket) => bucket.getTime());
  const spacing = bucketSpacing(buckets);
  const limit = Math.max(1, Math.floor(maxTicks));
  const valid = times.flatMap((time, index) => (Number.isFinite(time) ? [index] : []));
  let chosen = valid;
  for (const step of TICK_STEPS) {
    if (step < spacing || step % spacing !== 0) continue;
    const anchor = step % WEEK === 0 ? FIRST_MONDAY : 0;
    chosen = valid.filter((index) => ((((times[index] ?? 0) - anchor) % step) + step) % step === 0);
    if (chosen.length <= limit) break;
  }
  if (chosen.length === 0) chosen = valid.slice(0, 1);
  // Past four-week steps (a range far longer than the dashboard's), or buckets off the clock, thin the ticks evenly.
  const every = Math.ceil(chosen.length / limit);
  return chosen.filter((_, position) => position % every === 0).map((index) => ({ index, label: timeLabel(new Date(times[index] ?? 0), spacing, strings) }));
}

/** "14:00" inside a day, "3 Dec" at midnight UTC or when buckets are days. */
export function timeLabel(at: Date, spacing: number, strings: ChartStrings): string {
  const atMidnight = at.getUTCHours() === 0 && at.getUTCMinutes() === 0;
  if (spacing >= DAY || atMidnight) return `${at.getUTCDate()} ${strings.months[at.getUTCMonth()] ?? ""}`;
  return `${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

/** A bucket's start in full for the data table: "2026-12-03 14:00" for hours, "2026-12-03" for days. */
export function bucketLabel(at: Date, spacing: number, strings: ChartStrings): string {
  if (!Number.isFinite(at.getTime())) return strings.notANumber;
  const date = `${at.getUTCFullYear()}-${pad(at.getUTCMonth() + 1)}-${pad(at.getUTCDate())}`;
  return spacing >= DAY ? date : `${date} ${pad(at.getUTCHours())}:${pad(at.getUTCMinutes())}`;
}

/** The spacing of evenly spaced buckets; an hour when there are fewer than two (or they are not in order). */
export function bucketSpacing(buckets: readonly Date[]): number {
  const [first, second] = buckets;
  if (first === undefined || second === undefined) return HOUR;
  const spacing = second.getTime() - first.getTime();
  return Number.isFinite(spacing) && spacing > 0 ? spacing : HOUR;
}

function pad(value: number): string {
  return String(value).padStart(2, "0");
}
