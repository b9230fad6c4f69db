import { EN, type Strings } from "./strings-en";

const CATALOGUES: Readonly<Record<string, Strings>> = { en: EN };

/**
 * The catalogue for OIDC `ui_locales` (space-separated BCP 47 tags, in order of preference):
 * the first tag whose language we have; English when none is known or the value is absent.
 */
export function stringsFor(uiLocales: string | null | undefined): Strings {
  for (const tag of (uiLocales ?? "").split(" ")) {
    const language = tag.split("-")[0]?.toLowerCase() ?? "";
    const catalogue = CATALOGUES[language];
    if (catalogue !== undefined) return catalogue;
  }
  return EN;
}
