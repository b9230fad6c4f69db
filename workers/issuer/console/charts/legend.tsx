import type { ChartIds } from "./chart-ids";
import type { LegendEntry } from "./chart-layout";
import { FONT_SIZE } from "./chart-layout";
import { barFill } from "./hatch-patterns";
import { Marker } from "./marker";
import { seriesStyle } from "./series-styles";
import { svgNumber } from "./svg-number";

/** A line sample with its dash pattern and marker is this wide; a bar swatch is a 12px square. */
export const LINE_SWATCH_WIDTH = 28;
export const BAR_SWATCH_WIDTH = 12;

/** Each series' swatch — the same colour, dash, marker or hatch as in the plot — and its name. */
export function Legend(props: { readonly entries: readonly LegendEntry[]; readonly kind: "line" | "bar"; readonly ids: ChartIds }) {
  const swatchWidth = props.kind === "line" ? LINE_SWATCH_WIDTH : BAR_SWATCH_WIDTH;
  return (
    <g class="legend">
      {props.entries.map((entry) => {
        const style = seriesStyle(entry.index);
        const y = svgNumber(entry.y);
        return (
          <g class="legend-entry">
            {props.kind === "line" ? (
              <>
                <line x1={svgNumber(entry.x)} x2={svgNumber(entry.x + swatchWidth)} y1={y} y2={y} stroke={style.color} stroke-width="2" stroke-dasharray={style.dash === "" ? undefined : style.dash} />
                <Marker style={style} x={entry.x + swatchWidth / 2} y={entry.y} />
              </>
            ) : (
              <rect x={svgNumber(entry.x)} y={svgNumber(entry.y - swatchWidth / 2)} width={svgNumber(swatchWidth)} height={svgNumber(swatchWidth)} fill={barFill(props.ids, entry.index)} stroke={style.color} stroke-width="1" />
            )}
            <text x={svgNumber(entry.x + swatchWidth + 6)} y={svgNumber(entry.y + FONT_SIZE / 3)}>
              {entry.label}
            </text>
          </g>
        );
      })}
    </g>
  );
}
