/** The check a browser flow runs after every navigation. */
import type { Page } from "playwright-core";
import { accessibilityViolations } from "./accessibility";
import type { GuardedBrowser } from "./browser";

/**
 * Waits for the page that a navigation (a click, a submitted form, a redirect) landed on, then
 * fails if it has serious or critical accessibility violations, or if anything the guard records
 * (CSP violation, console error, page error, third-party request) happened on the way.
 * Returns the page's URL, so a flow can assert where it is.
 */
export async function visit(browser: GuardedBrowser, page: Page = browser.page): Promise<URL> {
  await page.waitForLoadState("load");
  browser.assertNoProblems();
  const violations = await accessibilityViolations(page);
  if (violations.length > 0) throw new Error(`Accessibility violations on ${page.url()}:\n  ${violations.join("\n  ")}`);
  return new URL(page.url());
}
