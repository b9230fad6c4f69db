/**
 * Single sign-on in a real browser: a person signs in to one of a tenant's apps on the hosted
 * page, and the next app's authorization request answers its code at once, with no form; an app
 * of another tenant gets no such favour.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT } from "./support/browser";
import { browserFlow } from "./support/browser-flow";
import { authorizationRequest, exchangeCode } from "./support/relying-party";
import { verifiedPasswordUser } from "./support/users";
import { visit } from "./support/visit";

const flow = browserFlow();

/** Every URL the tab's main frame shows from now on. */
function pagesShown(page: Page): URL[] {
  const shown: URL[] = [];
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) shown.push(new URL(frame.url())); });
  return shown;
}

describe("single sign-on in Chromium", () => {
  it("after signing in to the first app, the second app's authorization request shows no form and gets its own code", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const first = await registerClient(tenant, { type: "public", first_party: true, name: "Mail", redirect_uris: [flow.app().redirectUri] });
    const second = await registerClient(tenant, { type: "public", first_party: true, name: "Calendar", redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;

    const firstRequest = await authorizationRequest(first, flow.app().redirectUri);
    await page.goto(firstRequest.url.href);
    expect((await visit(guarded)).pathname).toBe("/login");
    await page.getByLabel(EN.email).fill(user.email);
    await page.getByLabel(EN.password).fill(user.password);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(flow.app().redirectUri)), page.getByRole("button", { name: EN.signIn, exact: true }).click()]);
    const firstCallback = await visit(guarded);
    expect(firstCallback.searchParams.get("state")).toBe(firstRequest.state);

    const shown = pagesShown(page);
    const secondRequest = await authorizationRequest(second, flow.app().redirectUri);
    await page.goto(secondRequest.url.href);
    const secondCallback = await visit(guarded);

    expect(secondCallback.href.startsWith(flow.app().redirectUri)).toBe(true);
    expect(secondCallback.searchParams.get("state")).toBe(secondRequest.state);
    expect(shown.map((url) => url.pathname)).not.toContain("/login");
    const tokens = await exchangeCode(second, flow.app().redirectUri, secondCallback.searchParams.get("code") ?? "", secondRequest.verifier);
    const idToken = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString()) as { sub: string; aud: string; nonce: string };
    expect(idToken).toMatchObject({ sub: user.userId, aud: second.client_id, nonce: secondRequest.nonce });
  });

  it("cross-tenant single sign-on: the browser session of one tenant shows another tenant's app the login form", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const other = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const mine = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const theirs = await registerClient(other, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;

    await page.goto((await authorizationRequest(mine, flow.app().redirectUri)).url.href);
    await visit(guarded);
    await page.getByLabel(EN.email).fill(user.email);
    await page.getByLabel(EN.password).fill(user.password);
    await Promise.all([page.waitForURL((url) => url.href.startsWith(flow.app().redirectUri)), page.getByRole("button", { name: EN.signIn, exact: true }).click()]);
    await visit(guarded);
    const arrivals = flow.app().arrivals.length;

    await page.goto((await authorizationRequest(theirs, flow.app().redirectUri)).url.href);
    expect((await visit(guarded)).pathname).toBe("/login");
    expect(flow.app().arrivals.length).toBe(arrivals);
  });
});
