/**
 * Server-rendered SVG charts for the operator console: pure functions from data to hono/jsx
 * elements, so a page composes them like any other component and hono escapes every string that
 * comes from data (series names, categories, titles). No DOM, no client script, no style
 * attribute (the hosted pages' CSP has no 'unsafe-inline'): presentation attributes only.
 *
 * Ours rather than d3-scale + d3-shape, measured with esbuild 0.28.2 (bundle, minify, ESM,
 * gzip -9) against the same tiny entry without them:
 *   - d3-scale 4.0.3 + d3-shape 3.2.1 for scaleLinear, scaleUtc with its tick format, scaleBand
 *     and line(): +63,296 B minified, +19,942 B gzipped, 10 packages;
 *   - scaleLinear, scaleBand and line() alone: +48,328 B / +15,288 B;
 *   - d3-array's ticks() and nice() alone: +3,372 B / +1,451 B.
 * The parts of ours those would replace (niceScale, timeTicks) are 1,327 B / 779 B; the whole
 * renderer, both charts and their tables, is 14,408 B / 5,254 B beside the hono the issuer
 * already ships (whose last build was 1,634,261 B / 463,814 B). d3 is DOM-free here and would
 * work in a Worker; it loses on what it does not do for us: it draws no axis, legend or table
 * without a DOM (d3-axis needs d3-selection), five ticks on a 0–3 count domain are 0, 0.5, 1,
 * 1.5 … (an axis of "1.5 sign-ins"), its UTC tick format reads "09 AM" and "Thu 03", and its
 * time ticks treat time as continuous where our buckets are discrete hours or days.
 * docs/console-charts.md has the rest.
 */
import { cartesianLayout, type CartesianLayout } from "./cartesian-layout";
import { ChartFrame } from "./chart-frame";
import { chartIds, type ChartIds } from "./chart-ids";
import { LINE_HEIGHT, textWidth, xTickBudget } from "./chart-layout";
import { hasData, plottedAt, type ChartSeries } from "./chart-series";
import { CHART_STRINGS_EN, type ChartStrings } from "./chart-strings-en";
import { EmptyChart } from "./empty-chart";
import { barFill, HatchPatterns } from "./hatch-patterns";
import { BAR_SWATCH_WIDTH, Legend, LINE_SWATCH_WIDTH } from "./legend";
import { Marker } from "./marker";
import { defaultValueFormat, type ValueFormat } from "./number-format";
import { CHART_INK, seriesStyle } from "./series-styles";
import { svgNumber } from "./svg-number";
import { bucketLabel, bucketSpacing, timeTicks } from "./time-ticks";
import { AxisTitle, ValueAxis } from "./value-axis";

export interface TimeSeriesChartProps {
  /** Prefix of every id in the chart; unique on the page. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** The start of each bucket, oldest first, evenly spaced (hourly or daily), in UTC. */
  readonly buckets: readonly Date[];
  /** A value per bucket in each series; values past the last bucket are ignored, missing ones are 0. */
  readonly series: readonly ChartSeries[];
  readonly yLabel: string;
  /** Lines (the default) or bars with the series stacked in each bucket. */
  readonly kind?: "lines" | "stacked-bars";
  readonly width?: number;
  readonly height?: number;
  /** How values read on the axis, in tooltips and in the table; defaults to up to two decimals. */
  readonly formatValue?: ValueFormat;
  readonly strings?: ChartStrings;
}

/** At most this many markers per line; with more buckets, every nth point gets one. */
const MAX_MARKERS = 24;

/**
 * Counts over time, one line or one stack layer per series. Bucket i spans a band of equal width;
 * a line's point sits in the middle of its band, a stacked bar fills most of it, and tick labels
 * mark the start of the bucket they name.
 */
export function timeSeriesChart(props: TimeSeriesChartProps) {
  const ids = chartIds(props.id);
  const strings = props.strings ?? CHART_STRINGS_EN;
  const slots = props.buckets.length;
  if (!hasData(props.series, slots)) {
    return <EmptyChart ids={ids} title={props.title} description={props.description} message={strings.noData} width={props.width} height={props.height} />;
  }
  const format = props.formatValue ?? defaultValueFormat(strings);
  const stacked = props.kind === "stacked-bars";
  const plotted = props.series.map((line) => Array.from({ length: slots }, (_, index) => plottedAt(line, index)));
  const totals = Array.from({ length: slots }, (_, index) => plotted.reduce((sum, values) => sum + (values[index] ?? 0), 0));
  const largest = Math.max(...(stacked ? totals : plotted.flat()));
  const layout = cartesianLayout({
    width: props.width,
    height: props.height,
    names: props.series.map((line) => line.name),
    swatchWidth: stacked ? BAR_SWATCH_WIDTH : LINE_SWATCH_WIDTH,
    largest,
    integer: plotted.every((values) => values.every(Number.isInteger)),
    format,
  });
  const band = layout.plot.width / slots;
  const spacing = bucketSpacing(props.buckets);
  const tooltip = (name: string, index: number, value: number) => `${name}, ${bucketLabel(props.buckets[index] ?? new Date(Number.NaN), spacing, strings)}: ${format(value)}`;
  return (
    <ChartFrame ids={ids} title={props.title} description={props.description} width={layout.width} height={layout.height} defs={stacked ? <HatchPatterns ids={ids} count={props.series.length} /> : undefined}>
      <ValueAxis layout={layout} label={props.yLabel} />
      <TimeAxis layout={layout} buckets={props.buckets} band={band} strings={strings} />
      {stacked ? <StackedBars layout={layout} ids={ids} plotted={plotted} band={band} names={props.series.map((line) => line.name)} tooltip={tooltip} /> : <Lines layout={layout} plotted={plotted} band={band} names={props.series.map((line) => line.name)} tooltip={tooltip} />}
      <Legend entries={layout.legend} kind={stacked ? "bar" : "line"} ids={ids} />
    </ChartFrame>
  );
}

function TimeAxis(props: { readonly layout: CartesianLayout; readonly buckets: readonly Date[]; readonly band: number; readonly strings: ChartStrings }) {
  const { plot } = props.layout;
  const bottom = plot.top + plot.height;
  return (
    <g class="time-axis">
      {timeTicks(props.buckets, xTickBudget(plot.width), props.strings).map((tick) => {
        const x = plot.left + tick.index * props.band;
        // A first label centred on the plot's left edge would run into the y axis's labels.
        const anchor = x - textWidth(tick.label) / 2 < plot.left - 6 ? "start" : "middle";
        return (
          <g class="tick">
            <line x1={svgNumber(x)} x2={svgNumber(x)} y1={svgNumber(bottom)} y2={svgNumber(bottom + 4)} stroke={CHART_INK.axis} stroke-width="1" />
            <text x={svgNumber(x)} y={svgNumber(bottom + LINE_HEIGHT - 2)} text-anchor={anchor}>
              {tick.label}
            </text>
          </g>
        );
      })}
      <AxisTitle layout={props.layout} label={props.strings.timeAxis} />
    </g>
  );
}

type Tooltip = (name: string, index: number, value: number) => string;

function Lines(props: { readonly layout: CartesianLayout; readonly plotted: readonly (readonly number[])[]; readonly band: number; readonly names: readonly string[]; readonly tooltip: Tooltip }) {
  const x = (index: number) => props.layout.plot.left + (index + 0.5) * props.band;
  return (
    <g class="lines">
      {props.plotted.map((values, seriesIndex) => {
        const style = seriesStyle(seriesIndex);
        const every = Math.ceil(values.length / MAX_MARKERS);
        const name = props.names[seriesIndex] ?? "";
        const d = values.map((value, index) => `${index === 0 ? "M" : "L"}${svgNumber(x(index))},${svgNumber(props.layout.y(value))}`).join("");
        return (
          <g class="series" data-series={String(seriesIndex)}>
            <path d={d} fill="none" stroke={style.color} stroke-width="2" stroke-linejoin="round" stroke-linecap="round" stroke-dasharray={style.dash === "" ? undefined : style.dash} />
            {values.map((value, index) => (index % every === 0 ? <Marker style={style} x={x(index)} y={props.layout.y(value)} tooltip={props.tooltip(name, index, value)} /> : null))}
          </g>
        );
      })}
    </g>
  );
}

/** Series 0 at the bottom of each stack; a zero draws nothing. A hairline of white between layers keeps them apart. */
function StackedBars(props: {
  readonly layout: CartesianLayout;
  readonly ids: ChartIds;
  readonly plotted: readonly (readonly number[])[];
  readonly band: number;
  readonly names: readonly string[];
  readonly tooltip: Tooltip;
}) {
  const gap = Math.min(props.band * 0.2, 4);
  const width = svgNumber(props.band - gap);
  const slots = props.plotted[0]?.length ?? 0;
  return (
    <g class="stacked-bars">
      {Array.from({ length: slots }, (_, index) => {
        let base = 0;
        const x = svgNumber(props.layout.plot.left + index * props.band + gap / 2);
        return props.plotted.map((values, seriesIndex) => {
          const value = values[index] ?? 0;
          const bottom = base;
          base += value;
          if (value === 0) return null;
          return (
            <rect
              class="bar"
              data-series={String(seriesIndex)}
              data-index={String(index)}
              x={x}
              y={svgNumber(props.layout.y(bottom + value))}
              width={width}
              height={svgNumber(props.layout.extent(value))}
              fill={barFill(props.ids, seriesIndex)}
              stroke={CHART_INK.background}
              stroke-width={props.band > 6 ? "0.5" : "0"}
            >
              <title>{props.tooltip(props.names[seriesIndex] ?? "", index, value)}</title>
            </rect>
          );
        });
      })}
    </g>
  );
}
