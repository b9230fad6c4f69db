/** The ids one chart puts in the page; the prefix keeps two charts on a page from sharing any. */
export interface ChartIds {
  readonly title: string;
  readonly desc: string;
  hatch(seriesIndex: number): string;
}

/** Letters, digits, `-` and `_`, starting with a letter: safe in `id`, in `aria-labelledby` lists and in `url(#…)`. */
const ID_PREFIX = /^[A-Za-z][A-Za-z0-9_-]{0,63}$/;

/** The prefix is chosen by the page, never by data; a malformed one is a bug and throws. */
export function chartIds(prefix: string): ChartIds {
  if (!ID_PREFIX.test(prefix)) throw new RangeError("a chart id prefix is a letter followed by up to 63 letters, digits, '-' or '_'");
  return { title: `${prefix}-title`, desc: `${prefix}-desc`, hatch: (seriesIndex) => `${prefix}-hatch-${seriesIndex}` };
}
