/**
 * Phone-code sign-in in a real browser, through an authorization request of a registered app:
 * the hosted login page, the code read from the SMS inbox, the code back at the app's redirect
 * URI, and the access token the app gets for it accepted by the gate.
 */
import { describe, expect, it } from "vitest";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient } from "./support/admin-api";
import { PHONE_VIEWPORT } from "./support/browser";
import { browserFlow } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { nextSmsCode } from "./support/inboxes";
import { authorizationRequest, exchangeCode, gateStatus } from "./support/relying-party";
import { visit } from "./support/visit";
import { freshPhone } from "../support/test-identities";

const flow = browserFlow();

describe("phone-code sign-in in Chromium", () => {
  it("signs in on a phone-sized screen with the code from the SMS, and the app's code buys a token the gate accepts", async () => {
    const tenant = await createTenant({ sign_in_methods: ["phone_otp"] });
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(PHONE_VIEWPORT);
    const { page } = guarded;
    const request = await authorizationRequest(client, flow.app().redirectUri);
    const phone = freshPhone();

    await page.goto(request.url.href);
    const login = await visit(guarded);
    expect(login.pathname).toBe("/login");
    await page.getByLabel(EN.phone).fill(phone);
    await page.getByRole("button", { name: EN.sendCode, exact: true }).click();
    await page.getByLabel(EN.code, { exact: true }).waitFor();
    await visit(guarded);

    await page.getByLabel(EN.code, { exact: true }).fill(await nextSmsCode(phone));
    await Promise.all([page.waitForURL((url) => url.href.startsWith(flow.app().redirectUri)), page.getByRole("button", { name: EN.verifyCode, exact: true }).click()]);
    const callback = await visit(guarded);

    expect(callback.searchParams.get("state")).toBe(request.state);
    expect(callback.searchParams.get("iss")).toBe(e2eStack().issuerUrl);
    const code = callback.searchParams.get("code");
    expect(code).toMatch(/\S{16,}/);
    expect(flow.app().arrivals.some((query) => query.get("code") === code)).toBe(true);
    const tokens = await exchangeCode(client, flow.app().redirectUri, code ?? "", request.verifier);
    expect(await gateStatus(tokens.access_token)).toBe(200);
  });

  it("a wrong code keeps the browser on the page with the message tied to the field, and sends nothing to the app", async () => {
    const tenant = await createTenant({ sign_in_methods: ["phone_otp"] });
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const guarded = await flow.open(PHONE_VIEWPORT);
    const { page } = guarded;
    const request = await authorizationRequest(client, flow.app().redirectUri);
    const phone = freshPhone();
    const arrivalsBefore = flow.app().arrivals.length;

    await page.goto(request.url.href);
    await visit(guarded);
    await page.getByLabel(EN.phone).fill(phone);
    await page.getByRole("button", { name: EN.sendCode, exact: true }).click();
    const real = await nextSmsCode(phone);
    const wrong = real === "000000" ? "111111" : "000000";
    await page.getByLabel(EN.code, { exact: true }).fill(wrong);
    await page.getByRole("button", { name: EN.verifyCode, exact: true }).click();
    await page.getByText(EN.errors.invalid_code).waitFor();
    const after = await visit(guarded);

    expect(after.origin).toBe(e2eStack().issuerUrl);
    await expect(page.getByLabel(EN.code, { exact: true }).getAttribute("aria-describedby")).resolves.toBe("code-error");
    expect(await page.locator("#code-error").textContent()).toBe(EN.errors.invalid_code);
    expect(flow.app().arrivals.length).toBe(arrivalsBefore);
  });
});
