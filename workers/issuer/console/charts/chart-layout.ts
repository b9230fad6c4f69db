/** Labels are placed without measuring them (a Worker has no DOM or fonts): by a generous average glyph width. */
export const FONT_SIZE = 12;
export const CHAR_WIDTH = 7;
export const LINE_HEIGHT = 18;
const PAD = 8;
const LEGEND_ROW = 20;
const LEGEND_GAP = 16;
const LABEL_GAP = 6;
const MIN_PLOT_HEIGHT = 100;

export const DEFAULT_SIZE = { width: 640, height: 320 } as const;
const SIZE_LIMITS = { width: [280, 2000], height: [160, 1200] } as const;

export function textWidth(text: string): number {
  return Array.from(text).length * CHAR_WIDTH;
}

/** `text` cut to fit `maxWidth`, ending in "…" when cut; the data table beside the chart has it in full. */
export function fitText(text: string, maxWidth: number): string {
  const chars = Array.from(text);
  const room = Math.floor(maxWidth / CHAR_WIDTH);
  if (chars.length <= room) return text;
  return `${chars.slice(0, Math.max(1, room - 1)).join("")}…`;
}

/** A requested size, or the default when it is missing or not finite, kept within limits a page can show. */
export function chartSize(requested: { readonly width?: number | undefined; readonly height?: number | undefined }): { width: number; height: number } {
  const pick = (value: number | undefined, fallback: number, [min, max]: readonly [number, number]) =>
    value !== undefined && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
  return { width: pick(requested.width, DEFAULT_SIZE.width, SIZE_LIMITS.width), height: pick(requested.height, DEFAULT_SIZE.height, SIZE_LIMITS.height) };
}

export interface LegendEntry {
  readonly index: number;
  readonly label: string;
  /** The swatch's left edge and the row's vertical middle. */
  readonly x: number;
  readonly y: number;
}

/** Legend entries left to right, wrapping to a new row when the next would not fit. */
export function legendLayout(names: readonly string[], width: number, swatchWidth: number): { entries: LegendEntry[]; height: number } {
  const maxLabel = width - 2 * PAD - swatchWidth - LABEL_GAP;
  let x = PAD;
  let row = 0;
  const entries = names.map((name, index) => {
    const label = fitText(name, maxLabel);
    const span = swatchWidth + LABEL_GAP + textWidth(label);
    if (x > PAD && x + span > width - PAD) {
      x = PAD;
      row += 1;
    }
    const entry = { index, label, x, y: PAD + row * LEGEND_ROW + LEGEND_ROW / 2 };
    x += span + LEGEND_GAP;
    return entry;
  });
  return { entries, height: names.length === 0 ? 0 : (row + 1) * LEGEND_ROW };
}

export interface PlotArea {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

/**
 * The plot's rows: below the legend, above two lines for the x tick labels and the x axis title.
 * The chart grows taller rather than squeeze the plot under MIN_PLOT_HEIGHT when the legend wraps
 * to many rows.
 */
export function verticalLayout(requestedHeight: number, legendHeight: number): { top: number; plotHeight: number; height: number } {
  const top = PAD + legendHeight + PAD + FONT_SIZE / 2;
  const bottom = 2 * LINE_HEIGHT + PAD;
  const plotHeight = Math.max(MIN_PLOT_HEIGHT, requestedHeight - top - bottom);
  return { top, plotHeight, height: top + plotHeight + bottom };
}

/** The plot's columns: right of the y axis's title and its widest tick label, with room on the right for a last x label. */
export function horizontalLayout(width: number, yTickLabels: readonly string[]): { left: number; plotWidth: number } {
  const widest = Math.max(0, ...yTickLabels.map(textWidth));
  const left = PAD + LINE_HEIGHT + widest + LABEL_GAP;
  return { left, plotWidth: Math.max(1, width - left - 3 * PAD) };
}

/** Gridlines about every 48px, between two and eight intervals. */
export function yIntervals(plotHeight: number): number {
  return Math.min(8, Math.max(2, Math.floor(plotHeight / 48)));
}

/** About one label per 64px of axis: room for "14:00" or "30 Sep" and a gap. */
export function xTickBudget(plotWidth: number): number {
  return Math.max(1, Math.floor(plotWidth / 64));
}
