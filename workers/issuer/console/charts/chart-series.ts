/** One named line, stack layer or bar series: a value per bucket or per category. */
export interface ChartSeries {
  readonly name: string;
  readonly values: readonly number[];
}

/**
 * What a chart draws for one value. Charts plot counts and amounts, which are never negative;
 * a negative or non-finite value is a bug upstream, drawn as 0 so it cannot break the markup or
 * the scale (the table beside the chart shows what was actually passed).
 */
export function plottable(value: number | undefined): number {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : 0;
}

/** The value of `series` at `index` as drawn: a missing value (a short `values` array) is 0. */
export function plottedAt(series: ChartSeries, index: number): number {
  return plottable(series.values[index]);
}

/** True when there is nothing to draw: no slots, no series, or every drawn value is 0. */
export function hasData(series: readonly ChartSeries[], slots: number): boolean {
  if (slots === 0) return false;
  return series.some((line) => line.values.slice(0, slots).some((value) => plottable(value) > 0));
}
