/**
 * Social sign-in in a real browser: the hosted login page of a branded tenant shows a button for
 * its connection to the local OpenID Provider; pressing it goes through that provider's own
 * login page and back to the app, signed in, with the code exchanged for the person's tokens.
 * Every page of the issuer passes the accessibility check on the way.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient, type E2eTenant, type RegisteredClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT, launchBrowser, openGuardedContext, type GuardedBrowser } from "./support/browser";
import { navigating, untilApp } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { authorizationRequest, exchangeCode, startCallbackListener, type CallbackListener } from "./support/relying-party";
import { connectStandIn, freshStandInUser, me, standInUrl } from "./support/social";
import { visit } from "./support/visit";
import { freshIp } from "../support/test-identities";
import type { Browser } from "playwright-core";

/** A brand color with enough contrast on white that the page keeps it as is. */
const BRAND_COLOR = "#0b6e4f";
const BRAND_COLOR_RGB = "rgb(11, 110, 79)";

let browser: Browser;
let app: CallbackListener;
let tenant: E2eTenant;
let client: RegisteredClient;
let guarded: GuardedBrowser;

beforeAll(async () => {
  [browser, app] = await Promise.all([launchBrowser(), startCallbackListener()]);
  tenant = await createTenant({ sign_in_methods: ["password"], branding: { primary_color: BRAND_COLOR } }, "browser-social");
  client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [app.redirectUri] });
  await connectStandIn(tenant, "oidc", { issuer: standInUrl(), display_name: "Local SSO" });
  // The provider's login page is a third origin this browser may visit, as a person's browser would.
  guarded = await openGuardedContext(browser, { allowedOrigins: [e2eStack().issuerUrl, app.origin, standInUrl()], viewport: DESKTOP_VIEWPORT, extraHeaders: { "CF-Connecting-IP": freshIp() } });
});

afterAll(async () => {
  await guarded.close();
  await Promise.allSettled([browser.close(), app.close()]);
});

describe("social sign-in in Chromium", () => {
  it("the login page's branded 'Continue with Local SSO' button goes through the provider's login page and back to the app signed in as a new federated user", async () => {
    const person = await freshStandInUser(true, "browser-social");
    const { page } = guarded;
    const request = await authorizationRequest(client, app.redirectUri);
    await page.goto(request.url.href);
    expect((await visit(guarded)).pathname).toBe("/login");

    const button = page.getByRole("button", { name: EN.federation.button("oidc", "Local SSO"), exact: true });
    await expect.poll(() => button.isVisible()).toBe(true);
    expect(await button.evaluate((element) => getComputedStyle(element).backgroundColor)).toBe(BRAND_COLOR_RGB);

    await navigating(guarded, () => button.click());
    expect(new URL(page.url()).origin).toBe(new URL(standInUrl()).origin);
    await page.getByLabel("Test user").selectOption(person.login);
    await untilApp(guarded, app, () => page.getByRole("button", { name: "Continue", exact: true }).click());
    const callback = await visit(guarded);

    expect(callback.searchParams.get("state")).toBe(request.state);
    const tokens = await exchangeCode(client, app.redirectUri, callback.searchParams.get("code") ?? "", request.verifier);
    const idToken = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString()) as { sub: string; amr: string[]; nonce: string };
    expect(idToken).toMatchObject({ amr: ["fed"], nonce: request.nonce });
    const profile = await me(tokens.access_token);
    expect(profile.user_id).toBe(idToken.sub);
    expect(profile.identities).toEqual([{ provider: "oidc", email: person.email, linked_at: expect.any(String) as string }]);
  });
});
