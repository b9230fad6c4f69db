/**
 * `/account` in a real browser: a person signed in on two devices signs the other one out from
 * the list of devices; the other browser is signed out, and the gate refuses the access token
 * its app holds.
 */
import { describe, expect, it } from "vitest";
import { createTenant, registerClient, type RegisteredClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT, type GuardedBrowser } from "./support/browser";
import { browserFlow, navigating, submitPassword, untilApp } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { authorizationRequest, exchangeCode, gateStatus, type TokenResponse } from "./support/relying-party";
import { verifiedPasswordUser, type PasswordUser } from "./support/users";
import { visit } from "./support/visit";

const flow = browserFlow();

/** The other device's browser, as the sessions list names it. */
const PHONE_AGENT = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/153.0 Mobile Safari/537.36";
/** The revocation list reaches the gate within two sync intervals; this only bounds a broken run. */
const GATE_REFUSAL_DEADLINE_MS = 30_000;

async function signInToApp(guarded: GuardedBrowser, client: RegisteredClient, user: PasswordUser): Promise<TokenResponse> {
  const request = await authorizationRequest(client, flow.app().redirectUri);
  await guarded.page.goto(request.url.href);
  await visit(guarded);
  await untilApp(guarded, flow.app(), () => submitPassword(guarded, user));
  const callback = await visit(guarded);
  return exchangeCode(client, flow.app().redirectUri, callback.searchParams.get("code") ?? "", request.verifier);
}

async function gateRefuses(accessToken: string): Promise<number> {
  const deadline = Date.now() + GATE_REFUSAL_DEADLINE_MS;
  for (;;) {
    const status = await gateStatus(accessToken);
    if (status !== 200 || Date.now() > deadline) return status;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

describe("/account sessions in Chromium", () => {
  it("signs the other device out from the list: that browser is signed out, and the gate refuses its app's access token while this device's still works", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const phone = await flow.open(PHONE_VIEWPORT, PHONE_AGENT);
    const laptop = await flow.open(DESKTOP_VIEWPORT);
    const phoneTokens = await signInToApp(phone, client, user);
    const laptopTokens = await signInToApp(laptop, client, user);
    expect(await gateStatus(phoneTokens.access_token)).toBe(200);

    const account = new URL("/account", e2eStack().issuerUrl).href;
    await laptop.page.goto(account);
    expect((await visit(laptop)).pathname).toBe("/account");
    // One row per device: the phone's browser, named by its user agent, with its app's session inside it.
    const devices = laptop.page.locator("li", { has: laptop.page.locator('input[name="session_id"]') });
    const thisRow = devices.filter({ hasText: "This browser: " });
    expect(await thisRow.count()).toBe(1);
    const phoneRow = devices.filter({ hasText: "Pixel 8" });
    expect(await phoneRow.count()).toBe(1);
    expect(await phoneRow.textContent()).toContain("Also signed in to 1 app from here.");
    await navigating(laptop, () => phoneRow.getByRole("button", { name: /^Sign out / }).click());
    await visit(laptop);
    expect(await phoneRow.count()).toBe(0);
    expect(await thisRow.count()).toBe(1);

    expect(await gateRefuses(phoneTokens.access_token)).toBe(401);
    expect(await gateStatus(laptopTokens.access_token)).toBe(200);
    await phone.page.goto(account);
    await visit(phone);
    expect(await phone.page.locator('input[name="session_id"]').count()).toBe(0);
    expect(await phone.page.textContent("body")).toContain("You are signed out.");
  });
});
