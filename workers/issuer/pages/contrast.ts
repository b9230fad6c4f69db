/** WCAG 2.x relative luminance and contrast, for the tenant's validated `#rrggbb` colors. */

const HEX_COLOR = /^#[0-9a-fA-F]{6}$/;

/** WCAG AA for body text. */
export const MIN_TEXT_CONTRAST = 4.5;

export const DEFAULT_PRIMARY = "#1f4fd1";
export const DEFAULT_BACKGROUND = "#ffffff";
const DARK_TEXT = "#1a1a1a";
const LIGHT_TEXT = "#ffffff";

function luminance(hex: string): number {
  const channel = (offset: number) => {
    const value = Number.parseInt(hex.slice(offset, offset + 2), 16) / 255;
    return value <= 0.03928 ? value / 12.92 : ((value + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

export function contrastRatio(a: string, b: string): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (light + 0.05) / (dark + 0.05);
}

/** Dark or light text, whichever reads better on `background`; one of the two always passes AA. */
export function readableTextOn(background: string): string {
  return contrastRatio(DARK_TEXT, background) >= contrastRatio(LIGHT_TEXT, background) ? DARK_TEXT : LIGHT_TEXT;
}

export interface PageColors {
  readonly background: string;
  readonly text: string;
  readonly primary: string;
  readonly onPrimary: string;
}

/**
 * The tenant's colors where they are well-formed; the text on each is chosen to pass AA. A
 * primary that cannot be read as a link on the background falls back to the default (which
 * then gets its own check against a default background).
 */
export function pageColors(branding: { readonly primary_color?: string; readonly background_color?: string }): PageColors {
  const background = branding.background_color !== undefined && HEX_COLOR.test(branding.background_color) ? branding.background_color : DEFAULT_BACKGROUND;
  const wanted = branding.primary_color !== undefined && HEX_COLOR.test(branding.primary_color) ? branding.primary_color : DEFAULT_PRIMARY;
  const primary = contrastRatio(wanted, background) >= MIN_TEXT_CONTRAST ? wanted : readableTextOn(background);
  return { background, text: readableTextOn(background), primary, onPrimary: readableTextOn(primary) };
}
