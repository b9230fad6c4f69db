import { markerPath, STROKED_MARKERS } from "./marker-path";
import { CHART_INK, type SeriesStyle } from "./series-styles";

export const MARKER_RADIUS = 3.5;

/** A series' marker: filled shapes get a white edge so they stand out where lines cross; crosses are drawn in the colour. */
export function Marker(props: { readonly style: SeriesStyle; readonly x: number; readonly y: number; readonly tooltip?: string }) {
  const d = markerPath(props.style.marker, props.x, props.y, MARKER_RADIUS);
  const stroked = STROKED_MARKERS.has(props.style.marker);
  return (
    <path class="marker" d={d} fill={stroked ? "none" : props.style.color} stroke={stroked ? props.style.color : CHART_INK.background} stroke-width={stroked ? "2" : "1"}>
      {props.tooltip !== undefined && <title>{props.tooltip}</title>}
    </path>
  );
}
