import type { MarkerShape } from "./series-styles";
import { svgNumber } from "./svg-number";

/** Shapes drawn as outlines (a stroke in the series colour) rather than filled. */
export const STROKED_MARKERS: ReadonlySet<MarkerShape> = new Set(["cross", "plus"]);

/** The path of a marker of radius `r` centred on (x, y). */
export function markerPath(shape: MarkerShape, x: number, y: number, r: number): string {
  const p = (dx: number, dy: number) => `${svgNumber(x + dx)},${svgNumber(y + dy)}`;
  switch (shape) {
    case "circle":
      return `M${p(-r, 0)}A${svgNumber(r)},${svgNumber(r)} 0 1,0 ${p(r, 0)}A${svgNumber(r)},${svgNumber(r)} 0 1,0 ${p(-r, 0)}Z`;
    case "square":
      return `M${p(-r, -r)}L${p(r, -r)}L${p(r, r)}L${p(-r, r)}Z`;
    case "triangle":
      return `M${p(0, -r * 1.2)}L${p(r * 1.1, r * 0.8)}L${p(-r * 1.1, r * 0.8)}Z`;
    case "triangle-down":
      return `M${p(0, r * 1.2)}L${p(r * 1.1, -r * 0.8)}L${p(-r * 1.1, -r * 0.8)}Z`;
    case "diamond":
      return `M${p(0, -r * 1.3)}L${p(r * 1.3, 0)}L${p(0, r * 1.3)}L${p(-r * 1.3, 0)}Z`;
    case "cross":
      return `M${p(-r, -r)}L${p(r, r)}M${p(r, -r)}L${p(-r, r)}`;
    case "plus":
      return `M${p(-r * 1.2, 0)}L${p(r * 1.2, 0)}M${p(0, -r * 1.2)}L${p(0, r * 1.2)}`;
    case "bar":
      return `M${p(-r * 1.3, -r * 0.5)}L${p(r * 1.3, -r * 0.5)}L${p(r * 1.3, r * 0.5)}L${p(-r * 1.3, r * 0.5)}Z`;
  }
}
