import type { Child } from "hono/jsx";
import type { ChartIds } from "./chart-ids";
import { FONT_SIZE } from "./chart-layout";
import { CHART_INK } from "./series-styles";
import { svgNumber } from "./svg-number";

/**
 * The outer `<svg>`: one image to assistive technology (its parts are not announced one by one),
 * named by its `<title>` and described by its `<desc>`. The numbers themselves reach a screen
 * reader through the data table the page puts beside the chart. Text style is given by
 * presentation attributes, never a style attribute (the hosted pages' CSP forbids them).
 */
export function ChartFrame(props: {
  readonly ids: ChartIds;
  readonly title: string;
  readonly description: string;
  readonly width: number;
  readonly height: number;
  readonly defs?: Child;
  readonly children?: Child;
}) {
  const width = svgNumber(props.width);
  const height = svgNumber(props.height);
  return (
    <svg
      xmlns="http://www.w3.org/2000/svg"
      class="chart"
      viewBox={`0 0 ${width} ${height}`}
      width={width}
      height={height}
      role="img"
      aria-labelledby={props.ids.title}
      aria-describedby={props.ids.desc}
      font-family="system-ui, sans-serif"
      font-size={String(FONT_SIZE)}
      fill={CHART_INK.text}
    >
      <title id={props.ids.title}>{props.title}</title>
      <desc id={props.ids.desc}>{props.description}</desc>
      {props.defs !== undefined && <defs>{props.defs}</defs>}
      <rect width={width} height={height} fill={CHART_INK.background} />
      {props.children}
    </svg>
  );
}
