/**
 * `/account` in a real browser: a person signed in on two devices signs the other one out from
 * the list of sessions, and the gate then refuses the access token that device's app holds.
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
  it("signs out, from the list, the session the other device's app holds, and the gate then refuses that access token while this device's still works", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [flow.app().redirectUri] });
    const phone = await flow.open(PHONE_VIEWPORT, PHONE_AGENT);
    const laptop = await flow.open(DESKTOP_VIEWPORT);
    const phoneTokens = await signInToApp(phone, client, user);
    const laptopTokens = await signInToApp(laptop, client, user);
    expect(await gateStatus(phoneTokens.access_token)).toBe(200);

    await laptop.page.goto(new URL("/account", e2eStack().issuerUrl).href);
    expect((await visit(laptop)).pathname).toBe("/account");
    // The row of the session the phone's app holds a token for: its form names the token's `sid`.
    const phoneSession = sessionIdOf(phoneTokens.access_token);
    const row = laptop.page.locator("li", { has: laptop.page.locator(`input[name="session_id"][value="${phoneSession}"]`) });
    expect(await row.count()).toBe(1);
    await navigating(laptop, () => row.getByRole("button", { name: /^Sign out / }).click());
    await visit(laptop);
    expect(await laptop.page.locator(`input[name="session_id"][value="${phoneSession}"]`).count()).toBe(0);
    expect(await laptop.page.locator(`input[name="session_id"][value="${sessionIdOf(laptopTokens.access_token)}"]`).count()).toBe(1);

    expect(await gateRefuses(phoneTokens.access_token)).toBe(401);
    expect(await gateStatus(laptopTokens.access_token)).toBe(200);
  });
});

function sessionIdOf(accessToken: string): string {
  const claims = JSON.parse(Buffer.from(accessToken.split(".")[1] ?? "", "base64url").toString()) as { sid?: string };
  if (claims.sid === undefined) throw new Error("the access token names no session");
  return claims.sid;
}
