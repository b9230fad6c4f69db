/**
 * The long way in, in a real browser: sign up on the hosted page, confirm the address from the
 * email inbox (which continues the sign-in to the app), add an authenticator app on /account (the code computed here from the
 * key the page shows, as the app would), sign out, and sign in again with both factors.
 */
import { describe, expect, it } from "vitest";
import { currentTotpCode } from "../../dev/totp-code";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT } from "./support/browser";
import { browserFlow, navigating, submitPassword, untilApp } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { nextEmailLink } from "./support/inboxes";
import { authorizationRequest, exchangeCode } from "./support/relying-party";
import { freshEmail } from "./support/users";
import { visit } from "./support/visit";

const flow = browserFlow();

/** The authenticator app's code for `secret`, never the one already spent on enrolment (codes work once). */
async function freshTotpCode(secret: string, spent: string | null): Promise<string> {
  for (;;) {
    const current = await currentTotpCode(secret, new Date());
    if (current === null) throw new Error("the page showed no base32 key");
    if (current.code !== spent) return current.code;
    await new Promise((resolve) => setTimeout(resolve, current.secondsLeft * 1000 + 200));
  }
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split(".")[1] ?? "", "base64url").toString()) as Record<string, unknown>;
}

describe("email sign-up to two-factor sign-in in Chromium", () => {
  it("signs up, confirms the address from the mail and lands in the app, enrols TOTP on /account, signs out, and signs in with password and code", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"], email_branding: "Acme" });
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri], post_logout_redirect_uris: [flow.app().postLogoutUri] });
    const guarded = await flow.open(DESKTOP_VIEWPORT);
    const { page } = guarded;
    const user = { email: freshEmail("grace"), password: "copper kettle meadow 77" };

    // Sign up from the app's sign-in page.
    const signUpRequest = await authorizationRequest(client, flow.app().redirectUri);
    await page.goto(signUpRequest.url.href);
    await visit(guarded);
    await navigating(guarded, () => page.getByRole("link", { name: EN.noAccount }).click());
    expect((await visit(guarded)).pathname).toBe("/signup");
    await page.getByLabel(EN.email).fill(user.email);
    await page.getByLabel(/^Password/).fill(user.password);
    await navigating(guarded, () => page.getByRole("button", { name: EN.signUp, exact: true }).click());
    await visit(guarded);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(EN.checkEmailTitle);

    // The mailed link carries the app's request back: its page changes nothing until the button
    // is pressed, and confirming the address continues the sign-in to the app.
    const link = await nextEmailLink(user.email, /\/verify-email\?/);
    expect(link.origin).toBe(e2eStack().issuerUrl);
    await page.goto(link.href);
    await visit(guarded);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(EN.confirmEmailTitle("Acme"));
    await untilApp(guarded, flow.app(), () => page.getByRole("button", { name: EN.confirmEmail, exact: true }).click());
    expect((await visit(guarded)).searchParams.get("state")).toBe(signUpRequest.state);

    // Add an authenticator app on /account.
    await page.goto(new URL("/account", e2eStack().issuerUrl).href);
    await visit(guarded);
    await navigating(guarded, () => page.getByRole("button", { name: EN.account.totpStart, exact: true }).click());
    await visit(guarded);
    expect(await page.getByRole("img", { name: EN.account.totpQrLabel }).locator("svg").count()).toBe(1);
    const secret = (await page.locator("#totp-secret").textContent()) ?? "";
    const enrolmentCode = await freshTotpCode(secret, null);
    await page.getByLabel(EN.account.totpCode).fill(enrolmentCode);
    await navigating(guarded, () => page.getByRole("button", { name: EN.account.totpConfirm, exact: true }).click());
    await visit(guarded);
    expect(await page.getByText(EN.account.totpActive).count()).toBe(1);
    expect(await page.getByText(EN.account.recoveryShownOnce).count()).toBe(1);

    // Sign out (RP-initiated logout), and sign in again: now the password alone is not enough.
    const logout = new URL("/oauth2/logout", e2eStack().issuerUrl);
    logout.search = new URLSearchParams({ client_id: client.client_id, post_logout_redirect_uri: flow.app().postLogoutUri }).toString();
    await page.goto(logout.href);
    expect((await visit(guarded)).pathname).toBe("/signed-out");
    const request = await authorizationRequest(client, flow.app().redirectUri);
    await page.goto(request.url.href);
    expect((await visit(guarded)).pathname).toBe("/login");
    await submitPassword(guarded, user);
    await visit(guarded);
    expect(await page.getByRole("heading", { level: 1 }).textContent()).toBe(EN.secondStepTitle);
    expect(flow.app().arrivals.some((query) => query.get("state") === request.state)).toBe(false);
    await page.getByLabel(EN.totpCode).fill(await freshTotpCode(secret, enrolmentCode));
    await untilApp(guarded, flow.app(), () => page.getByRole("button", { name: EN.verify, exact: true }).click());
    const callback = await visit(guarded);

    expect(callback.searchParams.get("state")).toBe(request.state);
    const tokens = await exchangeCode(client, flow.app().redirectUri, callback.searchParams.get("code") ?? "", request.verifier);
    expect(claimsOf(tokens.id_token).amr).toEqual(expect.arrayContaining(["pwd", "otp"]));
  });
});
