import { ChartFrame } from "./chart-frame";
import type { ChartIds } from "./chart-ids";
import { chartSize, FONT_SIZE } from "./chart-layout";
import { CHART_INK } from "./series-styles";
import { svgNumber } from "./svg-number";

/**
 * What a chart shows when there is nothing to draw (no buckets or categories, no series, or only
 * zeros): an empty plot with the message in its middle, and the same message in the description.
 * No scale is computed, so no division by a zero maximum can reach an attribute.
 */
export function EmptyChart(props: {
  readonly ids: ChartIds;
  readonly title: string;
  readonly description: string;
  readonly message: string;
  readonly width?: number | undefined;
  readonly height?: number | undefined;
}) {
  const size = chartSize(props);
  const inset = 16;
  return (
    <ChartFrame ids={props.ids} title={props.title} description={`${props.description} ${props.message}.`.trim()} width={size.width} height={size.height}>
      <rect class="empty-plot" x={svgNumber(inset)} y={svgNumber(inset)} width={svgNumber(size.width - 2 * inset)} height={svgNumber(size.height - 2 * inset)} fill="none" stroke={CHART_INK.grid} stroke-width="1" />
      <text class="empty-message" x={svgNumber(size.width / 2)} y={svgNumber(size.height / 2 + FONT_SIZE / 3)} text-anchor="middle" font-size={String(FONT_SIZE + 2)}>
        {props.message}
      </text>
    </ChartFrame>
  );
}
