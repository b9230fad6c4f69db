import { chartSize, horizontalLayout, legendLayout, type LegendEntry, type PlotArea, verticalLayout, yIntervals } from "./chart-layout";
import { niceScale, type NiceScale } from "./nice-scale";
import type { ValueFormat } from "./number-format";

export interface CartesianLayout {
  readonly width: number;
  readonly height: number;
  readonly plot: PlotArea;
  readonly legend: readonly LegendEntry[];
  readonly scale: NiceScale;
  readonly tickLabels: readonly string[];
  /** The vertical position of `value`: the plot's bottom edge at 0, its top edge at `scale.max`. */
  y(value: number): number;
  /** The height a bar of `value` takes. */
  extent(value: number): number;
}

/**
 * The layout both charts share, in the order each part depends on the last: the legend (its rows
 * push the plot down), the plot's height (which sets how many gridlines fit), the y scale, its
 * tick labels (the widest sets the left margin), then the plot's width.
 */
export function cartesianLayout(options: {
  readonly width?: number | undefined;
  readonly height?: number | undefined;
  readonly names: readonly string[];
  readonly swatchWidth: number;
  /** The largest value drawn (a stack's total for stacked bars); positive. */
  readonly largest: number;
  readonly integer: boolean;
  readonly format: ValueFormat;
}): CartesianLayout {
  const size = chartSize(options);
  const legend = legendLayout(options.names, size.width, options.swatchWidth);
  const rows = verticalLayout(size.height, legend.height);
  const scale = niceScale(options.largest, { maxIntervals: yIntervals(rows.plotHeight), integer: options.integer });
  const tickLabels = scale.ticks.map(options.format);
  const columns = horizontalLayout(size.width, tickLabels);
  const plot = { left: columns.left, top: rows.top, width: columns.plotWidth, height: rows.plotHeight };
  const extent = (value: number) => (value / scale.max) * plot.height;
  return { width: size.width, height: rows.height, plot, legend: legend.entries, scale, tickLabels, y: (value) => plot.top + plot.height - extent(value), extent };
}
