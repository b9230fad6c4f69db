import * as client from "openid-client";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityProvider, type IdentityProvider } from "../../../dev/identity-provider/server";
import { CookieBrowser, formAction } from "./cookie-browser";

const CALLBACK = "http://127.0.0.1:8123/callback";
let op: IdentityProvider;

beforeAll(async () => {
  op = await startIdentityProvider({ port: 0 });
});
afterAll(() => op.close());

async function register(body: Record<string, unknown>): Promise<Response> {
  return fetch(`${op.controlUrl}/clients`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

async function configFor(clientId: string, secret = "s3cret-value"): Promise<client.Configuration> {
  expect((await register({ provider: "oidc", client_id: clientId, client_secret: secret, redirect_uris: [CALLBACK] })).status).toBe(204);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the stand-in speaks plain http on loopback
  return client.discovery(new URL(op.issuer), clientId, {}, client.ClientSecretPost(secret), { execute: [client.allowInsecureRequests] });
}

interface Started {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

async function start(config: client.Configuration, extra: Record<string, string> = {}): Promise<Started> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: "openid email profile",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

async function callbackOf(browser: CookieBrowser, url: URL): Promise<URL> {
  const outcome = await browser.follow(url.toString(), CALLBACK);
  if (!("callback" in outcome)) throw new Error(`stopped at ${outcome.page.status}: ${await outcome.page.text()}`);
  return outcome.callback;
}

async function loginPage(browser: CookieBrowser, url: URL): Promise<string> {
  const outcome = await browser.follow(url.toString(), CALLBACK);
  if (!("page" in outcome)) throw new Error("expected the login page");
  expect(outcome.page.status).toBe(200);
  const html = await outcome.page.text();
  expect(html).toContain(">Continue</button>");
  expect(html).toContain(">Cancel</button>");
  return html;
}

async function redeem(config: client.Configuration, callback: URL, started: Started) {
  return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: started.verifier, expectedState: started.state, expectedNonce: started.nonce });
}

describe("generic OpenID Provider", () => {
  it("publishes discovery with code only, PKCE S256, and the RFC 9207 iss parameter", async () => {
    const document = (await (await fetch(`${op.issuer}/.well-known/openid-configuration`)).json()) as Record<string, unknown>;
    expect(document.issuer).toBe(op.issuer);
    expect(document.response_types_supported).toEqual(["code"]);
    expect(document.code_challenge_methods_supported).toEqual(["S256"]);
    expect(document.authorization_response_iss_parameter_supported).toBe(true);
  });

  it("signs ada in through openid-client with login_hint and no page, with PKCE, nonce and her verified email", async () => {
    const config = await configFor("rp-hint");
    const started = await start(config, { login_hint: "ada@example.com" });
    const callback = await callbackOf(new CookieBrowser(), started.url);
    expect(callback.searchParams.get("iss")).toBe(op.issuer);
    const tokens = await redeem(config, callback, started);
    expect(tokens.claims()).toMatchObject({ iss: op.issuer, aud: "rp-hint", sub: "user-ada", email: "ada@example.com", email_verified: true, name: "Ada Lovelace", nonce: started.nonce });
  });

  it("signs grace in through the HTML login form", async () => {
    const config = await configFor("rp-form");
    const started = await start(config);
    const browser = new CookieBrowser();
    const html = await loginPage(browser, started.url);
    const posted = await browser.follow(formAction(html, op.issuer), CALLBACK, { method: "POST", body: "login=grace%40example.com&action=continue", contentType: "application/x-www-form-urlencoded" });
    if (!("callback" in posted)) throw new Error("the form did not lead back to the client");
    const tokens = await redeem(config, posted.callback, started);
    expect(tokens.claims()).toMatchObject({ sub: "user-grace", email: "grace@example.com", email_verified: true });
  });

  it("answers access_denied when the login form's Cancel is pressed", async () => {
    const config = await configFor("rp-cancel");
    const started = await start(config);
    const browser = new CookieBrowser();
    const html = await loginPage(browser, started.url);
    const posted = await browser.follow(formAction(html, op.issuer), CALLBACK, { method: "POST", body: "login=grace%40example.com&action=cancel", contentType: "application/x-www-form-urlencoded" });
    if (!("callback" in posted)) throw new Error("Cancel did not lead back to the client");
    expect(posted.callback.searchParams.get("error")).toBe("access_denied");
    expect(posted.callback.searchParams.get("state")).toBe(started.state);
  });

  it("says alan's email is not verified", async () => {
    const config = await configFor("rp-alan");
    const started = await start(config, { login_hint: "alan@example.com" });
    const tokens = await redeem(config, await callbackOf(new CookieBrowser(), started.url), started);
    expect(tokens.claims()).toMatchObject({ sub: "user-alan", email: "alan@example.com", email_verified: false });
  });

  it("answers access_denied with state and iss when login_hint=deny", async () => {
    const config = await configFor("rp-deny");
    const started = await start(config, { login_hint: "deny" });
    const callback = await callbackOf(new CookieBrowser(), started.url);
    expect(callback.searchParams.get("error")).toBe("access_denied");
    expect(callback.searchParams.get("state")).toBe(started.state);
    expect(callback.searchParams.get("iss")).toBe(op.issuer);
  });

  it("refuses an authorization request without a PKCE code_challenge", async () => {
    const config = await configFor("rp-no-pkce");
    const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid", state: "s", nonce: "n", login_hint: "ada@example.com" });
    const callback = await callbackOf(new CookieBrowser(), url);
    expect(callback.searchParams.get("error")).toBe("invalid_request");
    expect(callback.searchParams.get("code")).toBeNull();
  });

  it("refuses a replayed authorization code", async () => {
    const config = await configFor("rp-replay");
    const started = await start(config, { login_hint: "ada@example.com" });
    const callback = await callbackOf(new CookieBrowser(), started.url);
    await redeem(config, callback, started);
    await expect(redeem(config, callback, started)).rejects.toMatchObject({ error: "invalid_grant" });
  });

  it("answers 400 with a plain page, not a 5xx, when the login page is reached without the interaction cookie", async () => {
    const config = await configFor("rp-no-cookie");
    const started = await start(config);
    const html = await loginPage(new CookieBrowser(), started.url);
    const answer = await fetch(formAction(html, op.issuer), { method: "POST", body: "login=ada%40example.com&action=continue", headers: { "content-type": "application/x-www-form-urlencoded" }, redirect: "manual" });
    expect(answer.status).toBe(400);
    expect(await answer.text()).toContain("did not keep its cookie");
  });
});
