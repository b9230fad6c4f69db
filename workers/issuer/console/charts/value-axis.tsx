import type { CartesianLayout } from "./cartesian-layout";
import { FONT_SIZE, LINE_HEIGHT } from "./chart-layout";
import { CHART_INK } from "./series-styles";
import { svgNumber } from "./svg-number";

/** A gridline at each tick (the zero line darker: bars stand on it), the tick labels right-aligned left of the plot, the axis title turned up the left edge. */
export function ValueAxis(props: { readonly layout: CartesianLayout; readonly label: string }) {
  const { plot, scale, tickLabels } = props.layout;
  const left = svgNumber(plot.left);
  const right = svgNumber(plot.left + plot.width);
  const titleX = svgNumber(8 + FONT_SIZE);
  const titleY = svgNumber(plot.top + plot.height / 2);
  return (
    <g class="value-axis">
      {scale.ticks.map((tick, index) => {
        const y = svgNumber(props.layout.y(tick));
        return (
          <g class="tick">
            <line x1={left} x2={right} y1={y} y2={y} stroke={tick === 0 ? CHART_INK.axis : CHART_INK.grid} stroke-width="1" />
            <text x={svgNumber(plot.left - 6)} y={svgNumber(props.layout.y(tick) + FONT_SIZE / 3)} text-anchor="end">
              {tickLabels[index] ?? ""}
            </text>
          </g>
        );
      })}
      <text class="axis-title" x={titleX} y={titleY} transform={`rotate(-90 ${titleX} ${titleY})`} text-anchor="middle">
        {props.label}
      </text>
    </g>
  );
}

/** The category or time axis title, centred under the plot below the tick labels. */
export function AxisTitle(props: { readonly layout: CartesianLayout; readonly label: string }) {
  const { plot } = props.layout;
  return (
    <text class="axis-title" x={svgNumber(plot.left + plot.width / 2)} y={svgNumber(plot.top + plot.height + 2 * LINE_HEIGHT)} text-anchor="middle">
      {props.label}
    </text>
  );
}
