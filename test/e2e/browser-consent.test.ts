/**
 * Consent in a real browser: an app that is not first-party gets a code only after the person
 * allows it, the choice is remembered (the next request goes straight back), and Deny sends the
 * app `access_denied` and no code.
 */
import type { Page } from "playwright-core";
import { describe, expect, it } from "vitest";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT } from "./support/browser";
import { browserFlow, submitPassword, untilApp } from "./support/browser-flow";
import { authorizationRequest, exchangeCode } from "./support/relying-party";
import { verifiedPasswordUser } from "./support/users";
import { visit } from "./support/visit";

const flow = browserFlow();

function pathsShown(page: Page): string[] {
  const shown: string[] = [];
  page.on("framenavigated", (frame) => { if (frame === page.mainFrame()) shown.push(new URL(frame.url()).pathname); });
  return shown;
}

describe("consent for a third-party app in Chromium", () => {
  it("asks once after the sign-in, sends the code on Allow, and the next request goes straight back to the app", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"], email_branding: "Acme" });
    const user = await verifiedPasswordUser(tenant);
    const printer = await registerClient(tenant, { type: "public", name: "Photo Printer", redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;

    const first = await authorizationRequest(printer, flow.app().redirectUri, { scope: "openid email" });
    await page.goto(first.url.href);
    await visit(guarded);
    await submitPassword(guarded, user);
    expect((await visit(guarded)).pathname).toBe("/consent");
    await expect(page.getByRole("heading", { level: 1 }).textContent()).resolves.toBe(EN.consentTitle("Photo Printer"));
    expect(await page.getByText(EN.consentScopes.email ?? "").count()).toBe(1);
    await untilApp(guarded, flow.app(), () => page.getByRole("button", { name: EN.allow, exact: true }).click());
    const allowed = await visit(guarded);
    expect(allowed.searchParams.get("state")).toBe(first.state);
    const tokens = await exchangeCode(printer, flow.app().redirectUri, allowed.searchParams.get("code") ?? "", first.verifier);
    expect(tokens.access_token).toMatch(/^ey/);

    const shown = pathsShown(page);
    const again = await authorizationRequest(printer, flow.app().redirectUri, { scope: "openid email" });
    await page.goto(again.url.href);
    const remembered = await visit(guarded);
    expect(remembered.searchParams.get("state")).toBe(again.state);
    expect(remembered.searchParams.get("code")).not.toBeNull();
    expect(shown).not.toContain("/consent");
    expect(shown).not.toContain("/login");
  });

  it("Deny sends access_denied and no code to the app, on a phone-sized screen", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const tracker = await registerClient(tenant, { type: "public", name: "Quiz of the Day", redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(PHONE_VIEWPORT);
    const { page } = guarded;

    const request = await authorizationRequest(tracker, flow.app().redirectUri, { scope: "openid phone" });
    await page.goto(request.url.href);
    await visit(guarded);
    await submitPassword(guarded, user);
    expect((await visit(guarded)).pathname).toBe("/consent");
    await untilApp(guarded, flow.app(), () => page.getByRole("button", { name: EN.deny, exact: true }).click());
    const denied = await visit(guarded);

    expect(denied.searchParams.get("error")).toBe("access_denied");
    expect(denied.searchParams.get("state")).toBe(request.state);
    expect(denied.searchParams.has("code")).toBe(false);
  });
});
