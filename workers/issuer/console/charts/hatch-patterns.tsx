import type { ChartIds } from "./chart-ids";
import { CHART_INK, type HatchPattern, seriesStyle } from "./series-styles";

const TILE = 6;

/** White strokes laid over the series colour in a 6px tile. */
const HATCH_STROKES: Readonly<Record<Exclude<HatchPattern, "solid" | "dots">, string>> = {
  diagonal: "M-1,1L1,-1M0,6L6,0M5,7L7,5",
  "back-diagonal": "M-1,5L1,7M0,0L6,6M5,-1L7,1",
  horizontal: "M0,3L6,3",
  vertical: "M3,0L3,6",
  crosshatch: "M-1,1L1,-1M0,6L6,0M5,7L7,5M-1,5L1,7M0,0L6,6M5,-1L7,1",
  grid: "M0,3L6,3M3,0L3,6",
};

/** One `<pattern>` per series that is hatched (the first is solid), ids from the chart's prefix. */
export function HatchPatterns(props: { readonly ids: ChartIds; readonly count: number }) {
  return Array.from({ length: props.count }, (_, index) => {
    const style = seriesStyle(index);
    if (style.hatch === "solid") return null;
    return (
      <pattern id={props.ids.hatch(index)} patternUnits="userSpaceOnUse" width={String(TILE)} height={String(TILE)}>
        <rect width={String(TILE)} height={String(TILE)} fill={style.color} />
        {style.hatch === "dots" ? <circle cx="3" cy="3" r="1.3" fill={CHART_INK.background} /> : <path d={HATCH_STROKES[style.hatch]} stroke={CHART_INK.background} stroke-width="1.2" />}
      </pattern>
    );
  });
}

/** The fill of a bar of series `index`: its colour, or its hatch pattern. */
export function barFill(ids: ChartIds, index: number): string {
  const style = seriesStyle(index);
  return style.hatch === "solid" ? style.color : `url(#${ids.hatch(index)})`;
}
