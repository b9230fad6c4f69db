/**
 * What every browser flow file shares: one Chromium per file, a callback listener standing in
 * for the app, and guarded contexts that allow only the issuer and that app.
 */
import type { Browser } from "playwright-core";
import { afterAll, beforeAll } from "vitest";
import { e2eStack } from "./e2e-context";
import { launchBrowser, openGuardedContext, type GuardedBrowser, type Viewport } from "./browser";
import { startCallbackListener, type CallbackListener } from "./relying-party";
import { freshIp } from "../../support/test-identities";
import { EN } from "../../../workers/issuer/pages/strings-en";

export interface BrowserFlow {
  readonly browser: () => Browser;
  readonly app: () => CallbackListener;
  /**
   * A fresh context (its own cookies: a person's own browser). Each gets a client address of its
   * own (`CF-Connecting-IP`, which the local workers trust as Cloudflare's edge would set it), so
   * per-IP limits of one test never touch another.
   */
  open(viewport: Viewport, userAgent?: string): Promise<GuardedBrowser>;
}

/** Registers the file's hooks: the browser and the listener start before its tests and stop after. */
export function browserFlow(): BrowserFlow {
  let browser: Browser | undefined;
  let app: CallbackListener | undefined;
  const opened: GuardedBrowser[] = [];
  beforeAll(async () => {
    [browser, app] = await Promise.all([launchBrowser(), startCallbackListener()]);
  });
  afterAll(async () => {
    await Promise.allSettled(opened.map((context) => context.close()));
    await Promise.allSettled([browser?.close(), app?.close()]);
  });
  const started = <T>(value: T | undefined): T => {
    if (value === undefined) throw new Error("the browser flow has not started");
    return value;
  };
  return {
    browser: () => started(browser),
    app: () => started(app),
    async open(viewport, userAgent) {
      const guarded = await openGuardedContext(started(browser), { allowedOrigins: [e2eStack().issuerUrl, started(app).origin], viewport, userAgent, extraHeaders: { "CF-Connecting-IP": freshIp() } });
      opened.push(guarded);
      return guarded;
    },
  };
}

/** Runs `action` (a click that submits a form or follows a link) and waits until the next page has loaded. */
export async function navigating(guarded: GuardedBrowser, action: () => Promise<void>): Promise<void> {
  const { page } = guarded;
  await Promise.all([page.waitForEvent("framenavigated", (frame) => frame === page.mainFrame()), action()]);
  await page.waitForLoadState("load");
}

/** Fills in the login page's email and password and submits; resolves once the next page has loaded. */
export async function submitPassword(guarded: GuardedBrowser, user: { readonly email: string; readonly password: string }): Promise<void> {
  const { page } = guarded;
  await page.getByLabel(EN.email).fill(user.email);
  await page.getByLabel(EN.password).fill(user.password);
  await navigating(guarded, () => page.getByRole("button", { name: EN.signIn, exact: true }).click());
}

/** Runs `action` and waits for the browser to reach the app's redirect URI. */
export async function untilApp(guarded: GuardedBrowser, app: CallbackListener, action: () => Promise<void>): Promise<void> {
  await Promise.all([guarded.page.waitForURL((url) => url.href.startsWith(app.redirectUri)), action()]);
}
