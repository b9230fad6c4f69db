/**
 * A coordinate or length for an SVG attribute: two decimals are finer than any screen needs.
 * A value that is not finite is a bug in the layout arithmetic, never data (values are checked
 * before they are scaled), so it throws rather than write `NaN` into the markup.
 */
export function svgNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError("chart layout produced a non-finite coordinate");
  const rounded = Math.round(value * 100) / 100;
  return String(Object.is(rounded, -0) ? 0 : rounded);
}
