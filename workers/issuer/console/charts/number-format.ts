import type { ChartStrings } from "./chart-strings-en";

export type ValueFormat = (value: number) => string;

/** Up to two decimals with the locale's grouping: "1,234", "0.25"; a value that is not finite reads as `notANumber`. */
export function defaultValueFormat(strings: ChartStrings): ValueFormat {
  const format = new Intl.NumberFormat(strings.numberLocale, { maximumFractionDigits: 2 });
  return (value) => (Number.isFinite(value) ? format.format(value) : strings.notANumber);
}
