/**
 * Passkeys in a real browser, with Chromium's DevTools virtual authenticator standing in for the
 * device: one is added on /account with our page script, then signs the person in to an app
 * from another browser that holds the same passkey, with no password.
 */
import { describe, expect, it } from "vitest";
import { EN } from "../../workers/issuer/pages/strings-en";
import { createTenant, registerClient } from "./support/admin-api";
import { DESKTOP_VIEWPORT, PHONE_VIEWPORT } from "./support/browser";
import { browserFlow, navigating, submitPassword, untilApp } from "./support/browser-flow";
import { e2eStack } from "./support/e2e-context";
import { authorizationRequest, exchangeCode } from "./support/relying-party";
import { verifiedPasswordUser } from "./support/users";
import { addVirtualAuthenticator } from "./support/virtual-authenticator";
import { visit } from "./support/visit";

const flow = browserFlow();

describe("passkeys in Chromium", () => {
  it("adds a passkey on /account, then signs in to an app with it alone from another browser", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password", "passkey"] });
    const user = await verifiedPasswordUser(tenant);
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });

    const laptop = await flow.open(DESKTOP_VIEWPORT);
    const laptopKey = await addVirtualAuthenticator(laptop.page);
    await laptop.page.goto(`${e2eStack().issuerUrl}/login?key=${tenant.apiKey}`);
    await visit(laptop);
    await submitPassword(laptop, user);
    await visit(laptop);
    await laptop.page.goto(`${e2eStack().issuerUrl}/account`);
    await visit(laptop);
    await navigating(laptop, () => laptop.page.getByRole("button", { name: EN.account.passkeyAdd, exact: true }).click());
    await visit(laptop);
    await laptop.page.getByLabel(EN.account.passkeyName).fill("Work laptop");
    await navigating(laptop, () => laptop.page.getByRole("button", { name: EN.account.passkeyAdd, exact: true }).click());
    await visit(laptop);
    expect(await laptop.page.getByRole("button", { name: EN.account.passkeyRemove("Work laptop"), exact: true }).count()).toBe(1);
    const [credential] = await laptopKey.credentials();
    expect(credential?.rpId).toBe("localhost");
    expect(credential?.isResidentCredential).toBe(true);

    // Another browser holding the same passkey (as a synced passkey would be), and no cookie.
    const phone = await flow.open(PHONE_VIEWPORT);
    const phoneKey = await addVirtualAuthenticator(phone.page);
    if (credential === undefined) throw new Error("the authenticator holds no passkey");
    await phoneKey.addCredential(credential);
    const request = await authorizationRequest(client, flow.app().redirectUri);
    await phone.page.goto(request.url.href);
    expect((await visit(phone)).pathname).toBe("/login");
    await navigating(phone, () => phone.page.getByRole("button", { name: EN.signInWithPasskey, exact: true }).click());
    await visit(phone);
    await untilApp(phone, flow.app(), () => phone.page.getByRole("button", { name: EN.usePasskey, exact: true }).click());
    const callback = await visit(phone);

    expect(callback.searchParams.get("state")).toBe(request.state);
    const tokens = await exchangeCode(client, flow.app().redirectUri, callback.searchParams.get("code") ?? "", request.verifier);
    const claims = JSON.parse(Buffer.from(tokens.id_token.split(".")[1] ?? "", "base64url").toString()) as { sub: string; amr: string[] };
    expect(claims.sub).toBe(user.userId);
    expect(claims.amr).not.toContain("pwd");
    expect((await phoneKey.credentials())[0]?.signCount).toBeGreaterThan(credential.signCount);
  });
});
