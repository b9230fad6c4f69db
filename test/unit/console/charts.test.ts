import { DOMParser, onWarningStopParsing, type Document, type Element } from "@xmldom/xmldom";
import fc from "fast-check";
import { afterEach, describe, expect, it } from "vitest";
import { barChart, type BarChartProps } from "../../../workers/issuer/console/charts/bar-chart";
import { CHART_STRINGS_EN } from "../../../workers/issuer/console/charts/chart-strings-en";
import { barChartTable, dataTable, timeSeriesTable } from "../../../workers/issuer/console/charts/chart-table";
import { niceScale } from "../../../workers/issuer/console/charts/nice-scale";
import { SERIES_STYLES } from "../../../workers/issuer/console/charts/series-styles";
import { timeSeriesChart, type TimeSeriesChartProps } from "../../../workers/issuer/console/charts/time-series-chart";
import { timeTicks } from "../../../workers/issuer/console/charts/time-ticks";
import { contrastRatio } from "../../../workers/issuer/pages/contrast";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A chart or table as the page would send it: hono/jsx renders on `toString()`. */
async function render(element: unknown): Promise<string> {
  return String(await element);
}

/** A real XML parser that stops at the first warning: anything it accepts is well-formed. */
function parseXml(markup: string, mimeType: "image/svg+xml" | "text/xml" = "image/svg+xml"): Document {
  return new DOMParser({ onError: onWarningStopParsing }).parseFromString(markup, mimeType);
}

function all(root: Document | Element, tag: string): Element[] {
  const list = root.getElementsByTagName(tag);
  const found: Element[] = [];
  for (let index = 0; index < list.length; index += 1) {
    const element = list.item(index);
    if (element) found.push(element);
  }
  return found;
}

function withClass(root: Document | Element, tag: string, className: string): Element[] {
  return all(root, tag).filter((element) => (element.getAttribute("class") ?? "").split(/\s+/).includes(className));
}

function num(element: Element, name: string): number {
  const value = element.getAttribute(name);
  if (value === null) throw new Error(`<${element.tagName}> has no ${name}`);
  return Number(value);
}

function text(element: Element): string {
  return element.textContent ?? "";
}

/** Every attribute value in the document, to search for values that must never appear. */
function attributeValues(document: Document): string[] {
  return all(document, "*").flatMap((element) => Array.from({ length: element.attributes.length }, (_, index) => element.attributes.item(index)?.value ?? ""));
}

/**
 * The y scale as the chart drew it, read back from its axis: the zero gridline is the plot's
 * bottom, the last gridline its top, and the last tick label the value there.
 */
function drawnScale(document: Document) {
  const [axis] = withClass(document, "g", "value-axis");
  if (!axis) throw new Error("no value axis");
  const ticks = withClass(axis, "g", "tick").map((tick) => {
    const [line] = all(tick, "line");
    const [label] = all(tick, "text");
    if (!line || !label) throw new Error("a tick without a line or label");
    return { y: num(line, "y1"), x1: num(line, "x1"), x2: num(line, "x2"), label: text(label) };
  });
  const zero = ticks[0];
  const top = ticks.at(-1);
  if (!zero || !top) throw new Error("no ticks");
  const max = Number(top.label.replaceAll(",", ""));
  const plotHeight = zero.y - top.y;
  return {
    labels: ticks.map((tick) => tick.label),
    left: zero.x1,
    width: zero.x2 - zero.x1,
    bottom: zero.y,
    plotHeight,
    y: (value: number) => zero.y - (value / max) * plotHeight,
    extent: (value: number) => (value / max) * plotHeight,
  };
}

function pathPoints(d: string): { x: number; y: number }[] {
  return Array.from(d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g), (match) => ({ x: Number(match[1]), y: Number(match[2]) }));
}

const hours = (count: number, from = Date.UTC(2026, 11, 3, 0)) => Array.from({ length: count }, (_, index) => new Date(from + index * HOUR));
const days = (count: number, from = Date.UTC(2026, 10, 3)) => Array.from({ length: count }, (_, index) => new Date(from + index * DAY));

const SIGN_INS: TimeSeriesChartProps = {
  id: "sign-ins",
  title: "Sign-ins",
  description: "Successful sign-ins per hour, by method.",
  buckets: hours(4),
  series: [
    { name: "phone", values: [0, 5, 10, 20] },
    { name: "email", values: [3, 0, 7, 1] },
  ],
  yLabel: "Sign-ins",
};

const DELIVERY: BarChartProps = {
  id: "delivery",
  title: "Delivery by provider",
  description: "What became of the codes each provider sent.",
  categories: ["twilio", "sns"],
  series: [
    { name: "delivered", values: [120, 80] },
    { name: "failed", values: [4, 9] },
    { name: "no report yet", values: [10, 0] },
  ],
  yLabel: "Messages",
  xLabel: "Provider",
};

describe("nice scale", () => {
  it("starts at 0, ends on a round number at or above the largest value, in at most the asked intervals", () => {
    fc.assert(
      fc.property(fc.double({ min: 1e-6, max: 1e12, noNaN: true }), fc.integer({ min: 2, max: 8 }), fc.boolean(), (largest, maxIntervals, integer) => {
        const value = integer ? Math.ceil(largest) : largest;
        const scale = niceScale(value, { maxIntervals, integer });
        expect(scale.ticks[0]).toBe(0);
        // Within rounding noise (12 significant digits) counts as on the tick: far under a pixel.
        expect(scale.max).toBeGreaterThanOrEqual(value * (1 - 1e-12));
        expect(scale.ticks.at(-1)).toBe(scale.max);
        expect(scale.ticks.length - 1).toBeLessThanOrEqual(maxIntervals);
        const mantissa = scale.step / 10 ** Math.floor(Math.log10(scale.step));
        expect([1, 2, 2.5, 5].some((round) => Math.abs(mantissa - round) < 1e-9)).toBe(true);
        if (integer) expect(scale.ticks.every(Number.isInteger)).toBe(true);
      }),
    );
  });

  it("gives counts whole-number ticks: three sign-ins read 0, 1, 2, 3 — never 1.5", () => {
    expect(niceScale(3, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 1, 2, 3]);
    expect(niceScale(1, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 1]);
    expect(niceScale(7, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 2, 4, 6, 8]);
    expect(niceScale(1234, { maxIntervals: 5, integer: true }).ticks).toEqual([0, 250, 500, 750, 1000, 1250]);
  });

  it("writes decimal ticks without floating-point noise", () => {
    expect(niceScale(0.37, { maxIntervals: 5, integer: false }).ticks).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceScale(0.3, { maxIntervals: 5, integer: false }).ticks).toEqual([0, 0.1, 0.2, 0.3]);
  });

  it("refuses a maximum that is not a positive number (the empty chart never builds a scale)", () => {
    for (const largest of [0, -1, Number.NaN, Number.POSITIVE_INFINITY]) expect(() => niceScale(largest, { maxIntervals: 5, integer: true })).toThrow(RangeError);
  });
});

describe("time axis ticks", () => {
  const labels = (buckets: Date[], budget: number) => timeTicks(buckets, budget, CHART_STRINGS_EN).map((tick) => tick.label);

  it("labels 24 hourly buckets every few hours on the clock, and the midnight with its date", () => {
    expect(labels(hours(25, Date.UTC(2026, 11, 2, 7)), 8)).toEqual(["09:00", "12:00", "15:00", "18:00", "21:00", "3 Dec", "03:00", "06:00"]);
  });

  it("labels seven days of hourly buckets at each midnight UTC", () => {
    expect(labels(hours(169, Date.UTC(2026, 10, 26, 7)), 8)).toEqual(["27 Nov", "28 Nov", "29 Nov", "30 Nov", "1 Dec", "2 Dec", "3 Dec"]);
  });

  it("labels thirty daily buckets on Mondays when every other day would crowd the axis", () => {
    const ticks = timeTicks(days(31, Date.UTC(2026, 10, 3)), 8, CHART_STRINGS_EN);
    expect(ticks.map((tick) => tick.label)).toEqual(["9 Nov", "16 Nov", "23 Nov", "30 Nov"]);
    for (const tick of ticks) expect(new Date(Date.UTC(2026, 10, 3) + tick.index * DAY).getUTCDay()).toBe(1);
  });

  describe("in a server whose local time zone is not UTC", () => {
    const original = process.env.TZ;
    afterEach(() => {
      if (original === undefined) delete process.env.TZ;
      else process.env.TZ = original;
    });

    it("still labels the buckets in UTC", () => {
      process.env.TZ = "Pacific/Kiritimati";
      expect(new Date(Date.UTC(2026, 11, 3, 0)).getHours()).not.toBe(0);
      expect(labels(hours(25, Date.UTC(2026, 11, 2, 7)), 8)).toEqual(["09:00", "12:00", "15:00", "18:00", "21:00", "3 Dec", "03:00", "06:00"]);
    });
  });
});

describe("time series chart", () => {
  it("is one well-formed SVG image named by its title and described by its desc", async () => {
    const document = parseXml(await render(timeSeriesChart(SIGN_INS)));
    const svg = document.documentElement;
    expect(svg?.tagName).toBe("svg");
    expect(svg?.getAttribute("role")).toBe("img");
    expect(svg?.getAttribute("aria-labelledby")).toBe("sign-ins-title");
    expect(svg?.getAttribute("aria-describedby")).toBe("sign-ins-desc");
    expect(text(document.getElementById("sign-ins-title") ?? svg!)).toBe("Sign-ins");
    expect(document.getElementById("sign-ins-title")?.tagName).toBe("title");
    expect(document.getElementById("sign-ins-desc")?.tagName).toBe("desc");
    expect(text(document.getElementById("sign-ins-desc")!)).toBe("Successful sign-ins per hour, by method.");
  });

  it("puts y ticks at round numbers from 0 with a gridline each, and a UTC time axis", async () => {
    const document = parseXml(await render(timeSeriesChart(SIGN_INS)));
    expect(drawnScale(document).labels).toEqual(["0", "5", "10", "15", "20"]);
    const [timeAxis] = withClass(document, "g", "time-axis");
    expect(withClass(timeAxis!, "g", "tick").map((tick) => text(all(tick, "text")[0]!))).toEqual(["3 Dec", "01:00", "02:00", "03:00"]);
    expect(withClass(document, "text", "axis-title").map(text)).toEqual(["Sign-ins", "Time (UTC)"]);
  });

  it("places each point in the middle of its bucket, at a height proportional to its value", async () => {
    const document = parseXml(await render(timeSeriesChart(SIGN_INS)));
    const scale = drawnScale(document);
    const lines = withClass(document, "g", "series");
    expect(lines).toHaveLength(2);
    SIGN_INS.series.forEach((series, seriesIndex) => {
      const [path] = all(lines[seriesIndex]!, "path").filter((element) => element.getAttribute("class") !== "marker");
      const points = pathPoints(path!.getAttribute("d") ?? "");
      expect(points).toHaveLength(series.values.length);
      series.values.forEach((value, index) => {
        expect(points[index]!.x).toBeCloseTo(scale.left + ((index + 0.5) * scale.width) / SIGN_INS.buckets.length, 1);
        expect(points[index]!.y).toBeCloseTo(scale.y(value), 1);
      });
      expect(withClass(lines[seriesIndex]!, "path", "marker")).toHaveLength(series.values.length);
    });
  });

  it("tells lines apart by dash pattern and marker shape as well as colour", async () => {
    const document = parseXml(await render(timeSeriesChart(SIGN_INS)));
    const [first, second] = withClass(document, "g", "series").map((line) => all(line, "path")[0]!);
    expect(first!.getAttribute("stroke")).toBe(SERIES_STYLES[0]!.color);
    expect(first!.getAttribute("stroke-dasharray")).toBeNull();
    expect(second!.getAttribute("stroke")).toBe(SERIES_STYLES[1]!.color);
    expect(second!.getAttribute("stroke-dasharray")).toBe(SERIES_STYLES[1]!.dash);
  });

  it("draws a marker on every nth point of a long series, not 169 of them", async () => {
    const document = parseXml(await render(timeSeriesChart({ ...SIGN_INS, buckets: hours(169), series: [{ name: "phone", values: Array.from({ length: 169 }, (_, index) => index % 7) }] })));
    expect(withClass(document, "path", "marker")).toHaveLength(Math.ceil(169 / Math.ceil(169 / 24)) + 1);
  });

  it("lists every series in the legend, in order", async () => {
    const document = parseXml(await render(timeSeriesChart(SIGN_INS)));
    expect(withClass(document, "g", "legend-entry").map((entry) => text(all(entry, "text")[0]!))).toEqual(["phone", "email"]);
  });

  it("stacks bars with heights proportional to values, series 0 at the bottom, nothing for a zero", async () => {
    const props: TimeSeriesChartProps = { ...SIGN_INS, id: "refusals", kind: "stacked-bars", buckets: days(3), series: [{ name: "lockout", values: [2, 0, 4] }, { name: "rate_limited", values: [1, 3, 0] }] };
    const document = parseXml(await render(timeSeriesChart(props)));
    const scale = drawnScale(document);
    expect(scale.labels).toEqual(["0", "1", "2", "3", "4"]);
    const bars = withClass(document, "rect", "bar");
    expect(bars).toHaveLength(4);
    const band = scale.width / 3;
    for (const bar of bars) {
      const seriesIndex = num(bar, "data-series");
      const index = num(bar, "data-index");
      const value = props.series[seriesIndex]!.values[index]!;
      const below = props.series.slice(0, seriesIndex).reduce((sum, series) => sum + series.values[index]!, 0);
      expect(num(bar, "height")).toBeCloseTo(scale.extent(value), 1);
      expect(num(bar, "y") + num(bar, "height")).toBeCloseTo(scale.y(below), 1);
      expect(num(bar, "x")).toBeGreaterThanOrEqual(scale.left + index * band - 0.01);
      expect(num(bar, "x") + num(bar, "width")).toBeLessThanOrEqual(scale.left + (index + 1) * band + 0.01);
    }
  });

  it("fills stack layers after the first with a hatch pattern, defined once under the chart's own id", async () => {
    const document = parseXml(await render(timeSeriesChart({ ...SIGN_INS, kind: "stacked-bars" })));
    const fills = withClass(document, "rect", "bar").map((bar) => bar.getAttribute("fill"));
    expect(new Set(fills)).toEqual(new Set([SERIES_STYLES[0]!.color, "url(#sign-ins-hatch-1)"]));
    expect(all(document, "pattern").map((pattern) => pattern.getAttribute("id"))).toEqual(["sign-ins-hatch-1"]);
  });
});

describe("bar chart", () => {
  it("groups one bar per series in each category, heights proportional to values, zeros left out", async () => {
    const document = parseXml(await render(barChart(DELIVERY)));
    const scale = drawnScale(document);
    expect(scale.labels).toEqual(["0", "50", "100", "150"]);
    const bars = withClass(document, "rect", "bar");
    expect(bars).toHaveLength(5);
    const band = scale.width / DELIVERY.categories.length;
    const barWidth = (band * 0.8) / DELIVERY.series.length;
    for (const bar of bars) {
      const seriesIndex = num(bar, "data-series");
      const index = num(bar, "data-index");
      const value = DELIVERY.series[seriesIndex]!.values[index]!;
      expect(num(bar, "x")).toBeCloseTo(scale.left + index * band + band * 0.1 + seriesIndex * barWidth, 1);
      expect(num(bar, "width")).toBeCloseTo(barWidth, 1);
      expect(num(bar, "height")).toBeCloseTo(scale.extent(value), 1);
      expect(num(bar, "y") + num(bar, "height")).toBeCloseTo(scale.bottom, 1);
    }
  });

  it("names each group under it, the axis, and every series in the legend", async () => {
    const document = parseXml(await render(barChart(DELIVERY)));
    const [axis] = withClass(document, "g", "category-axis");
    expect(all(axis!, "text").map(text)).toEqual(["twilio", "sns", "Provider"]);
    expect(withClass(document, "g", "legend-entry").map((entry) => text(all(entry, "text")[0]!))).toEqual(["delivered", "failed", "no report yet"]);
  });

  it("cuts a category name too long for its group with an ellipsis (the table keeps it whole)", async () => {
    const long = "a-provider-with-a-very-long-name-indeed";
    const props = { ...DELIVERY, categories: [long, "sns", "twilio", "vonage", "plivo", "sinch"], series: [{ name: "sent", values: [1, 2, 3, 4, 5, 6] }] };
    const document = parseXml(await render(barChart(props)));
    const [first] = all(withClass(document, "g", "category-axis")[0]!, "text");
    expect(text(first!)).toMatch(/^a-provider.*…$/);
    expect(text(first!).length).toBeLessThan(long.length);
    expect(await render(barChartTable(props))).toContain(`<th scope="row">${long}</th>`);
  });

  it("formats ticks with the caller's format, e.g. dollars", async () => {
    const document = parseXml(await render(barChart({ ...DELIVERY, series: [{ name: "estimated cost", values: [0.37, 0.12] }], formatValue: (value) => `$${value.toFixed(2)}` })));
    expect(drawnScale(document).labels).toEqual(["$0.00", "$0.10", "$0.20", "$0.30", "$0.40"]);
  });
});

describe("text from data", () => {
  const HOSTILE = `<script>alert("x")</script> & "co"`;

  it("a series name with markup is escaped in the legend and tooltips: it stays text, never an element", async () => {
    for (const chart of [timeSeriesChart({ ...SIGN_INS, series: [{ name: HOSTILE, values: [1, 2, 3, 4] }] }), barChart({ ...DELIVERY, series: [{ name: HOSTILE, values: [1, 2] }] })]) {
      const markup = await render(chart);
      expect(markup).not.toContain("<script");
      expect(markup).toContain("&lt;script&gt;");
      const document = parseXml(markup);
      expect(all(document, "script")).toHaveLength(0);
      expect(text(all(withClass(document, "g", "legend-entry")[0]!, "text")[0]!)).toBe(HOSTILE);
      expect(all(document, "title").some((title) => text(title).startsWith(`${HOSTILE}, `))).toBe(true);
    }
  });

  it("a category, a title and a description with markup are escaped too", async () => {
    const markup = await render(barChart({ ...DELIVERY, title: HOSTILE, description: HOSTILE, categories: [HOSTILE, "sns"] }));
    expect(markup).not.toContain("<script");
    const document = parseXml(markup);
    expect(text(document.getElementById("delivery-title")!)).toBe(HOSTILE);
    expect(text(document.getElementById("delivery-desc")!)).toBe(HOSTILE);
  });

  it("the table escapes names, categories and its caption", async () => {
    const markup = await render(barChartTable({ ...DELIVERY, title: HOSTILE, categories: [HOSTILE, "sns"], series: [{ name: HOSTILE, values: [1, 2] }] }));
    expect(markup).not.toContain("<script");
    const document = parseXml(markup, "text/xml");
    expect(text(all(document, "caption")[0]!)).toBe(HOSTILE);
    expect(all(document, "th").map(text)).toEqual(["Provider", HOSTILE, HOSTILE, "sns"]);
  });
});

describe("ids", () => {
  it("two charts on one page share no id, and each chart's references resolve inside it", async () => {
    const page = `<main>${await render(timeSeriesChart({ ...SIGN_INS, kind: "stacked-bars", id: "refusals" }))}${await render(barChart(DELIVERY))}</main>`;
    const document = parseXml(page, "text/xml");
    const ids = all(document, "*").flatMap((element) => element.getAttribute("id") ?? []);
    expect(new Set(ids).size).toBe(ids.length);
    for (const svg of all(document, "svg")) {
      const inside = new Set(all(svg, "*").flatMap((element) => element.getAttribute("id") ?? []));
      const references = all(svg, "*").flatMap((element) => [
        ...(element.getAttribute("aria-labelledby")?.split(" ") ?? []),
        ...(element.getAttribute("aria-describedby")?.split(" ") ?? []),
        ...Array.from((element.getAttribute("fill") ?? "").matchAll(/url\(#([^)]+)\)/g), (match) => match[1] ?? ""),
      ]);
      expect(references.length).toBeGreaterThan(2);
      for (const reference of references) expect(inside.has(reference)).toBe(true);
    }
  });

  it("refuses an id prefix that could break out of an id or a url(#…) reference", () => {
    for (const id of ["", "1chart", "a b", 'a"b', "a)b", "a#b"]) expect(() => timeSeriesChart({ ...SIGN_INS, id })).toThrow(RangeError);
  });
});

describe("no data", () => {
  const cases: [string, TimeSeriesChartProps][] = [
    ["no buckets", { ...SIGN_INS, buckets: [] }],
    ["no series", { ...SIGN_INS, series: [] }],
    ["only zeros", { ...SIGN_INS, series: [{ name: "phone", values: [0, 0, 0, 0] }] }],
  ];

  for (const [name, props] of cases) {
    it(`with ${name}, the chart says there is no data in this range, in the picture and in its description`, async () => {
      for (const kind of ["lines", "stacked-bars"] as const) {
        const document = parseXml(await render(timeSeriesChart({ ...props, kind })));
        expect(withClass(document, "text", "empty-message").map(text)).toEqual(["No data in this range"]);
        expect(text(document.getElementById("sign-ins-desc")!)).toBe("Successful sign-ins per hour, by method. No data in this range.");
        expect(all(document, "path")).toHaveLength(0);
        expect(withClass(document, "rect", "bar")).toHaveLength(0);
      }
    });
  }

  it("a bar chart with no categories or only zeros says the same", async () => {
    for (const props of [{ ...DELIVERY, categories: [] }, { ...DELIVERY, series: DELIVERY.series.map((series) => ({ ...series, values: [0, 0] })) }]) {
      const document = parseXml(await render(barChart(props)));
      expect(withClass(document, "text", "empty-message").map(text)).toEqual(["No data in this range"]);
    }
  });

  it("the table says it too, under its caption", async () => {
    const document = parseXml(await render(timeSeriesTable({ ...SIGN_INS, buckets: [] })), "text/xml");
    expect(text(all(document, "caption")[0]!)).toBe("Sign-ins");
    expect(all(document, "td").map(text)).toEqual(["No data in this range"]);
  });
});

describe("never NaN or Infinity in an attribute", () => {
  const odd = [Number.NaN, Number.POSITIVE_INFINITY, -5, Number.NEGATIVE_INFINITY];
  const renders: [string, unknown][] = [
    ["a line chart", timeSeriesChart(SIGN_INS)],
    ["stacked bars", timeSeriesChart({ ...SIGN_INS, kind: "stacked-bars" })],
    ["grouped bars", barChart(DELIVERY)],
    ["values that are not counts, drawn as 0", timeSeriesChart({ ...SIGN_INS, series: [{ name: "odd", values: [...odd, 3] }] })],
    ["only values that are not counts", barChart({ ...DELIVERY, series: [{ name: "odd", values: [Number.NaN, -1] }] })],
    ["a single bucket", timeSeriesChart({ ...SIGN_INS, buckets: hours(1), series: [{ name: "phone", values: [4] }] })],
    ["a single bucket stacked", timeSeriesChart({ ...SIGN_INS, kind: "stacked-bars", buckets: hours(1), series: [{ name: "phone", values: [4] }] })],
    ["a short values array", timeSeriesChart({ ...SIGN_INS, series: [{ name: "phone", values: [4] }] })],
    ["huge values", barChart({ ...DELIVERY, series: [{ name: "sent", values: [1e12, 3] }] })],
    ["an invalid date", timeSeriesChart({ ...SIGN_INS, buckets: [new Date(Number.NaN), ...hours(3)] })],
    ["a size that is not a number", barChart({ ...DELIVERY, width: Number.NaN, height: Number.POSITIVE_INFINITY })],
    ["an empty chart with a size that is not a number", barChart({ ...DELIVERY, categories: [], width: Number.NaN })],
  ];

  for (const [name, element] of renders) {
    it(`for ${name}`, async () => {
      const document = parseXml(await render(element));
      for (const value of attributeValues(document)) expect(value).not.toMatch(/NaN|Infinity|undefined/);
    });
  }

  it("the table shows a value that is not a count as it was passed, so the bug behind it is seen", async () => {
    const document = parseXml(await render(timeSeriesTable({ ...SIGN_INS, series: [{ name: "odd", values: odd }] })), "text/xml");
    expect(all(document, "td").map(text)).toEqual(["—", "—", "-5", "—"]);
  });
});

describe("data table", () => {
  it("has a caption, scoped headers, a row per UTC bucket and every number in its cell", async () => {
    const document = parseXml(await render(timeSeriesTable(SIGN_INS)), "text/xml");
    expect(text(all(document, "caption")[0]!)).toBe("Sign-ins");
    const [head] = all(document, "thead");
    expect(all(head!, "th").map((th) => [th.getAttribute("scope"), text(th)])).toEqual([
      ["col", "Time (UTC)"],
      ["col", "phone"],
      ["col", "email"],
    ]);
    const rows = all(all(document, "tbody")[0]!, "tr");
    expect(rows.map((row) => all(row, "th").map((th) => [th.getAttribute("scope"), text(th)])[0])).toEqual([
      ["row", "2026-12-03 00:00"],
      ["row", "2026-12-03 01:00"],
      ["row", "2026-12-03 02:00"],
      ["row", "2026-12-03 03:00"],
    ]);
    rows.forEach((row, index) => expect(all(row, "td").map(text)).toEqual(SIGN_INS.series.map((series) => String(series.values[index]))));
  });

  it("a bar chart's table has a row per category, and daily buckets are labelled by date", async () => {
    const bars = parseXml(await render(barChartTable({ ...DELIVERY, series: [{ name: "sent", values: [1234.5, 80] }] })), "text/xml");
    expect(all(bars, "tr").map((row) => [...all(row, "th"), ...all(row, "td")].map(text))).toEqual([
      ["Provider", "sent"],
      ["twilio", "1,234.5"],
      ["sns", "80"],
    ]);
    const daily = parseXml(await render(timeSeriesTable({ ...SIGN_INS, buckets: days(4) })), "text/xml");
    expect(all(daily, "th").filter((th) => th.getAttribute("scope") === "row").map(text)).toEqual(["2026-11-03", "2026-11-04", "2026-11-05", "2026-11-06"]);
  });

  it("can be visually hidden, staying in the page for screen readers", async () => {
    expect(await render(timeSeriesTable({ ...SIGN_INS, visuallyHidden: true }))).toMatch(/^<table class="chart-table visually-hidden">/);
    expect(await render(dataTable({ caption: "c", rowHeader: "r", rows: ["a"], series: [{ name: "s", values: [1] }] }))).toMatch(/^<table class="chart-table">/);
  });
});

describe("series styles", () => {
  it("every colour passes WCAG AA (4.5:1) against white", () => {
    for (const style of SERIES_STYLES) expect(contrastRatio(style.color, "#ffffff")).toBeGreaterThanOrEqual(4.5);
  });

  it("every style has its own dash pattern, marker and hatch, so colour is never the only cue", () => {
    for (const key of ["color", "dash", "marker", "hatch"] as const) expect(new Set(SERIES_STYLES.map((style) => style[key])).size).toBe(SERIES_STYLES.length);
  });

  it("every two colours are far apart for normal colour vision (CIELAB ΔE ≥ 20)", () => {
    for (const [index, a] of SERIES_STYLES.entries()) {
      for (const b of SERIES_STYLES.slice(index + 1)) expect(deltaE(a.color, b.color), `${a.color} and ${b.color}`).toBeGreaterThanOrEqual(20);
    }
  });
});

/** CIE76 colour difference of two `#rrggbb` colours (sRGB, D65). */
function deltaE(a: string, b: string): number {
  const lab = (hex: string) => {
    const channel = (offset: number) => {
      const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
      return value <= 0.04045 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
    };
    const [r, g, bl] = [channel(1), channel(3), channel(5)];
    const f = (t: number) => (t > 216 / 24389 ? Math.cbrt(t) : (24389 / 27 * t + 16) / 116);
    const x = f((0.4124 * r + 0.3576 * g + 0.1805 * bl) / 0.95047);
    const y = f(0.2126 * r + 0.7152 * g + 0.0722 * bl);
    const z = f((0.0193 * r + 0.1192 * g + 0.9505 * bl) / 1.08883);
    return [116 * y - 16, 500 * (x - y), 200 * (y - z)] as const;
  };
  const [l1, a1, b1] = lab(a);
  const [l2, a2, b2] = lab(b);
  return Math.hypot(l1 - l2, a1 - a2, b1 - b2);
}
