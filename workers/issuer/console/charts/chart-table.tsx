import type { BarChartProps } from "./bar-chart";
import type { ChartSeries } from "./chart-series";
import { CHART_STRINGS_EN, type ChartStrings } from "./chart-strings-en";
import { defaultValueFormat, type ValueFormat } from "./number-format";
import { bucketLabel, bucketSpacing } from "./time-ticks";
import type { TimeSeriesChartProps } from "./time-series-chart";

export interface DataTableProps {
  readonly caption: string;
  /** The first column's header: what the rows are (time, country, provider). */
  readonly rowHeader: string;
  readonly rows: readonly string[];
  readonly series: readonly ChartSeries[];
  readonly formatValue?: ValueFormat | undefined;
  readonly strings?: ChartStrings | undefined;
  /** Keep the table in the page for screen readers and text browsers but out of sight (the page's stylesheet needs CHART_STYLESHEET). */
  readonly visuallyHidden?: boolean | undefined;
}

/**
 * The numbers behind a chart as a table: a row per bucket or category, a column per series,
 * headers scoped so a screen reader announces "email, 14:00: 3". Values are shown as passed,
 * even the ones a chart draws as 0 (negative or not a number), so the table never hides a bug.
 */
export function dataTable(props: DataTableProps) {
  const strings = props.strings ?? CHART_STRINGS_EN;
  const format = props.formatValue ?? defaultValueFormat(strings);
  const className = props.visuallyHidden === true ? "chart-table visually-hidden" : "chart-table";
  // Empty as passed, not as drawn: a table of negative counts is shown, so the bug behind them is seen.
  const empty = props.rows.length === 0 || props.series.every((line) => line.values.slice(0, props.rows.length).every((value) => value === 0));
  if (empty) {
    return (
      <table class={className}>
        <caption>{props.caption}</caption>
        <tbody>
          <tr>
            <td>{strings.noData}</td>
          </tr>
        </tbody>
      </table>
    );
  }
  return (
    <table class={className}>
      <caption>{props.caption}</caption>
      <thead>
        <tr>
          <th scope="col">{props.rowHeader}</th>
          {props.series.map((line) => (
            <th scope="col">{line.name}</th>
          ))}
        </tr>
      </thead>
      <tbody>
        {props.rows.map((row, index) => (
          <tr>
            <th scope="row">{row}</th>
            {props.series.map((line) => {
              const value = line.values[index];
              return <td>{value === undefined ? format(0) : format(value)}</td>;
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The table for a time series chart, from the same props: a row per bucket, labelled with its UTC start. */
export function timeSeriesTable(props: TimeSeriesChartProps & { readonly visuallyHidden?: boolean }) {
  const strings = props.strings ?? CHART_STRINGS_EN;
  const spacing = bucketSpacing(props.buckets);
  return dataTable({
    caption: props.title,
    rowHeader: strings.timeAxis,
    rows: props.buckets.map((bucket) => bucketLabel(bucket, spacing, strings)),
    series: props.series,
    formatValue: props.formatValue,
    strings,
    visuallyHidden: props.visuallyHidden,
  });
}

/** The table for a bar chart, from the same props: a row per category. */
export function barChartTable(props: BarChartProps & { readonly visuallyHidden?: boolean }) {
  const strings = props.strings ?? CHART_STRINGS_EN;
  return dataTable({
    caption: props.title,
    rowHeader: props.xLabel ?? strings.category,
    rows: props.categories,
    series: props.series,
    formatValue: props.formatValue,
    strings,
    visuallyHidden: props.visuallyHidden,
  });
}
