/** Grouped bars for the operator console; why the renderer is ours, with measurements, is at the top of time-series-chart.tsx. */
import { cartesianLayout, type CartesianLayout } from "./cartesian-layout";
import { ChartFrame } from "./chart-frame";
import { chartIds, type ChartIds } from "./chart-ids";
import { fitText, LINE_HEIGHT } from "./chart-layout";
import { hasData, plottedAt, type ChartSeries } from "./chart-series";
import { CHART_STRINGS_EN, type ChartStrings } from "./chart-strings-en";
import { EmptyChart } from "./empty-chart";
import { barFill, HatchPatterns } from "./hatch-patterns";
import { BAR_SWATCH_WIDTH, Legend } from "./legend";
import { defaultValueFormat, type ValueFormat } from "./number-format";
import { seriesStyle } from "./series-styles";
import { svgNumber } from "./svg-number";
import { AxisTitle, ValueAxis } from "./value-axis";

export interface BarChartProps {
  /** Prefix of every id in the chart; unique on the page. */
  readonly id: string;
  readonly title: string;
  readonly description: string;
  /** One group of bars per category, in this order (e.g. countries, providers). */
  readonly categories: readonly string[];
  /** A value per category in each series; one bar per series in every group. */
  readonly series: readonly ChartSeries[];
  readonly yLabel: string;
  /** The category axis's title and the table's first header; defaults to `strings.category`. */
  readonly xLabel?: string;
  readonly width?: number;
  readonly height?: number;
  readonly formatValue?: ValueFormat;
  readonly strings?: ChartStrings;
}

/** The share of each category's band its group of bars takes; the rest separates groups. */
const GROUP_SHARE = 0.8;

/** Grouped bars: one band per category, one bar per series inside it, in series order. */
export function barChart(props: BarChartProps) {
  const ids = chartIds(props.id);
  const strings = props.strings ?? CHART_STRINGS_EN;
  const slots = props.categories.length;
  if (!hasData(props.series, slots)) {
    return <EmptyChart ids={ids} title={props.title} description={props.description} message={strings.noData} width={props.width} height={props.height} />;
  }
  const format = props.formatValue ?? defaultValueFormat(strings);
  const plotted = props.series.map((line) => Array.from({ length: slots }, (_, index) => plottedAt(line, index)));
  const layout = cartesianLayout({
    width: props.width,
    height: props.height,
    names: props.series.map((line) => line.name),
    swatchWidth: BAR_SWATCH_WIDTH,
    largest: Math.max(...plotted.flat()),
    integer: plotted.every((values) => values.every(Number.isInteger)),
    format,
  });
  const band = layout.plot.width / slots;
  return (
    <ChartFrame ids={ids} title={props.title} description={props.description} width={layout.width} height={layout.height} defs={<HatchPatterns ids={ids} count={props.series.length} />}>
      <ValueAxis layout={layout} label={props.yLabel} />
      <CategoryAxis layout={layout} categories={props.categories} band={band} label={props.xLabel ?? strings.category} />
      <GroupedBars layout={layout} ids={ids} plotted={plotted} band={band} tooltip={(seriesIndex, index, value) => `${props.series[seriesIndex]?.name ?? ""}, ${props.categories[index] ?? ""}: ${format(value)}`} />
      <Legend entries={layout.legend} kind="bar" ids={ids} />
    </ChartFrame>
  );
}

/** Each category's name centred under its group, cut to the band's width (the table has it in full). */
function CategoryAxis(props: { readonly layout: CartesianLayout; readonly categories: readonly string[]; readonly band: number; readonly label: string }) {
  const { plot } = props.layout;
  const y = svgNumber(plot.top + plot.height + LINE_HEIGHT - 2);
  return (
    <g class="category-axis">
      {props.categories.map((category, index) => (
        <text x={svgNumber(plot.left + (index + 0.5) * props.band)} y={y} text-anchor="middle">
          {fitText(category, props.band - 4)}
        </text>
      ))}
      <AxisTitle layout={props.layout} label={props.label} />
    </g>
  );
}

function GroupedBars(props: {
  readonly layout: CartesianLayout;
  readonly ids: ChartIds;
  readonly plotted: readonly (readonly number[])[];
  readonly band: number;
  readonly tooltip: (seriesIndex: number, index: number, value: number) => string;
}) {
  const barWidth = (props.band * GROUP_SHARE) / Math.max(1, props.plotted.length);
  const groupStart = (index: number) => props.layout.plot.left + index * props.band + (props.band * (1 - GROUP_SHARE)) / 2;
  return (
    <g class="grouped-bars">
      {props.plotted.map((values, seriesIndex) => (
        <g class="series" data-series={String(seriesIndex)}>
          {values.map((value, index) =>
            value === 0 ? null : (
              <rect
                class="bar"
                data-series={String(seriesIndex)}
                data-index={String(index)}
                x={svgNumber(groupStart(index) + seriesIndex * barWidth)}
                y={svgNumber(props.layout.y(value))}
                width={svgNumber(barWidth)}
                height={svgNumber(props.layout.extent(value))}
                fill={barFill(props.ids, seriesIndex)}
                stroke={seriesStyle(seriesIndex).color}
                stroke-width="1"
              >
                <title>{props.tooltip(seriesIndex, index, value)}</title>
              </rect>
            ),
          )}
        </g>
      ))}
    </g>
  );
}
