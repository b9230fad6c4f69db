/** The accessibility check run on every page a browser flow visits. */
import { AxeBuilder } from "@axe-core/playwright";
import type { Page } from "playwright-core";

/** axe-core impacts that fail a test; `minor` and `moderate` are reported by axe but tolerated. */
export const FAILING_IMPACTS: ReadonlySet<string> = new Set(["serious", "critical"]);

/** The serious and critical violations on the page as it is now, one line each (rule, impact, where). */
export async function accessibilityViolations(page: Page): Promise<string[]> {
  const results = await new AxeBuilder({ page }).analyze();
  return results.violations
    .filter((violation) => FAILING_IMPACTS.has(violation.impact ?? ""))
    .map((violation) => `${violation.id} (${violation.impact ?? "?"}): ${violation.help} at ${violation.nodes.map((node) => node.target.join(" ")).join(", ")}`);
}
