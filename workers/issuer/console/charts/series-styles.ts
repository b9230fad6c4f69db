/** How a series is told apart: by colour, and never by colour alone. */
export type MarkerShape = "circle" | "square" | "triangle" | "diamond" | "triangle-down" | "cross" | "plus" | "bar";
export type HatchPattern = "solid" | "diagonal" | "dots" | "back-diagonal" | "horizontal" | "crosshatch" | "vertical" | "grid";

export interface SeriesStyle {
  /** `#rrggbb`, at least 4.5:1 against white (WCAG AA for text, so lines and swatches read well above 3:1). */
  readonly color: string;
  /** `stroke-dasharray` for lines; "" is solid. */
  readonly dash: string;
  /** Drawn on line points and in the legend. */
  readonly marker: MarkerShape;
  /** White strokes over the colour, for bars and stack layers. */
  readonly hatch: HatchPattern;
}

/**
 * Eight styles, in the order series take them. Blue and orange first (apart under every common
 * colour-vision deficiency); dark shades throughout so each passes AA on white. Under deuteranopia or
 * protanopia some pairs converge (green and magenta, orange and ochre), which is why every style
 * also has its own dash pattern, marker and hatch. A ninth series starts the list again; the
 * dashboard draws at most seven (sign-in methods).
 */
export const SERIES_STYLES: readonly SeriesStyle[] = [
  { color: "#1f4fd1", dash: "", marker: "circle", hatch: "solid" },
  { color: "#c2410c", dash: "8 4", marker: "square", hatch: "diagonal" },
  { color: "#0f7b4f", dash: "2 3", marker: "triangle", hatch: "dots" },
  { color: "#8e3fa8", dash: "10 3 2 3", marker: "diamond", hatch: "back-diagonal" },
  { color: "#a16207", dash: "4 4", marker: "triangle-down", hatch: "horizontal" },
  { color: "#be185d", dash: "14 3 3 3 3 3", marker: "cross", hatch: "crosshatch" },
  { color: "#0e7490", dash: "1 3", marker: "plus", hatch: "vertical" },
  { color: "#4b5563", dash: "12 6", marker: "bar", hatch: "grid" },
];

export function seriesStyle(index: number): SeriesStyle {
  const style = SERIES_STYLES[index % SERIES_STYLES.length];
  if (style === undefined) throw new RangeError("series index must be a non-negative integer");
  return style;
}

/** Text, axes and gridlines: text passes AA on white; gridlines are decoration and only need to be seen. */
export const CHART_INK = { text: "#1a1a1a", axis: "#6b6b6b", grid: "#d9d9d9", background: "#ffffff" } as const;
