import { barChart } from "../../console/charts/bar-chart";
import { barChartTable, timeSeriesTable } from "../../console/charts/chart-table";
import { timeSeriesChart, type TimeSeriesChartProps } from "../../console/charts/time-series-chart";
import type { DashboardRange, DashboardView } from "../../services/console/dashboard";
import { ConsoleLayout, type SignedInView } from "./console-layout";
import { CONSOLE } from "./console-strings";
import { DateTime } from "./date-time";

export interface DashboardPageProps {
  readonly nonce: string;
  readonly signedIn: SignedInView;
  /** The tenants the operator can pick from, newest first. */
  readonly tenants: readonly { readonly id: string; readonly name: string }[];
  /** Null when there is no tenant yet. */
  readonly view: DashboardView | null;
}

const RANGES: readonly DashboardRange[] = ["24h", "7d", "30d"];
const count = (value: number) => String(Math.round(value));
const dollars = (value: number) => `$${value.toFixed(4)}`;

/** A chart and, for screen readers and anyone without SVG, the same numbers as a table. */
function TimeSeries(props: TimeSeriesChartProps) {
  return (
    <section class="chart">
      {timeSeriesChart(props)}
      {timeSeriesTable({ ...props, visuallyHidden: true })}
    </section>
  );
}

export function DashboardPage(props: DashboardPageProps) {
  const t = CONSOLE.dashboard;
  const { view } = props;
  const delivery = view && {
    id: "delivery",
    title: t.delivery.title,
    description: t.delivery.description,
    categories: view.deliveryByProvider.providers,
    series: [
      { name: t.delivery.delivered, values: view.deliveryByProvider.delivered },
      { name: t.delivery.failed, values: view.deliveryByProvider.failed },
      { name: t.delivery.unknown, values: view.deliveryByProvider.unknown },
    ],
    yLabel: t.delivery.y,
    xLabel: t.delivery.x,
    formatValue: count,
  };
  return (
    <ConsoleLayout title={t.title} nonce={props.nonce} signedIn={props.signedIn} section="dashboard">
      {view === null || delivery === null ? (
        <p>{t.noTenants}</p>
      ) : (
        <>
          <form method="get" action="/console" class="filters">
            <label for="dashboard-tenant">{t.tenant}</label>
            <select id="dashboard-tenant" name="tenant">
              {props.tenants.map((tenant) => (
                <option value={tenant.id} selected={tenant.id === view.tenant.id}>
                  {tenant.name}
                </option>
              ))}
            </select>
            <label for="dashboard-range">{t.range}</label>
            <select id="dashboard-range" name="range">
              {RANGES.map((range) => (
                <option value={range} selected={range === view.range}>
                  {t.ranges[range]}
                </option>
              ))}
            </select>
            <button type="submit">{t.show}</button>
          </form>
          <p>
            {t.window(view.tenant.name)} <DateTime at={view.from} /> – <DateTime at={view.to} /> (UTC).
          </p>
          <TimeSeries id="sign-ins" title={t.signIns.title} description={t.signIns.description} buckets={view.buckets} series={view.signIns} yLabel={t.signIns.y} formatValue={count} />
          <TimeSeries id="failures" title={t.failures.title} description={t.failures.description} buckets={view.buckets} series={view.signInFailures} yLabel={t.failures.y} formatValue={count} />
          <section class="chart">
            {barChart({ id: "sms", title: t.sms.title, description: t.sms.description(dollars(view.smsByCountry.totalUsd)), categories: view.smsByCountry.countries, series: [{ name: t.sms.sent, values: view.smsByCountry.sent }], yLabel: t.sms.y, xLabel: t.sms.x, formatValue: count })}
            {barChartTable({ id: "sms-spend", title: t.sms.spendTitle, description: t.sms.spendTitle, categories: view.smsByCountry.countries, series: [{ name: t.sms.sent, values: view.smsByCountry.sent }, { name: t.sms.cost, values: view.smsByCountry.estimatedCostUsd }], yLabel: t.sms.y, xLabel: t.sms.x })}
            <p class="note">{t.sms.estimate}</p>
          </section>
          <section class="chart">
            {barChart(delivery)}
            {barChartTable({ ...delivery, id: "delivery-table", visuallyHidden: true })}
          </section>
          <TimeSeries id="blocked" kind="stacked-bars" title={t.blocked.title} description={t.blocked.description} buckets={view.buckets} series={view.blocked.map((series) => ({ ...series, name: t.blocked.kinds[series.name as keyof typeof t.blocked.kinds] ?? series.name }))} yLabel={t.blocked.y} formatValue={count} />
          <TimeSeries id="webhooks" kind="stacked-bars" title={t.webhooks.title} description={t.webhooks.description} buckets={view.buckets} series={view.webhooks} yLabel={t.webhooks.y} formatValue={count} />
        </>
      )}
    </ConsoleLayout>
  );
}
