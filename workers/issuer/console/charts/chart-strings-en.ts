/** Every word a chart draws itself, in English. Another language is another object of this shape. */
export interface ChartStrings {
  /** BCP 47 tag for numbers: grouping and decimal marks on ticks, tooltips and table cells. */
  readonly numberLocale: string;
  readonly noData: string;
  /** The time axis's title and the time column's header: buckets are UTC, and the axis says so. */
  readonly timeAxis: string;
  /** Short month names, January first, for tick labels such as "3 Dec". */
  readonly months: readonly [string, string, string, string, string, string, string, string, string, string, string, string];
  /** The category axis's title and the first column's header when a bar chart names none. */
  readonly category: string;
  /** What a table cell shows for a value that is not a number (a bug upstream, never drawn). */
  readonly notANumber: string;
}

export const CHART_STRINGS_EN: ChartStrings = {
  numberLocale: "en-US",
  noData: "No data in this range",
  timeAxis: "Time (UTC)",
  months: ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"],
  category: "Category",
  notANumber: "—",
};
