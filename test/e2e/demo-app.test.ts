/**
 * The demo web app of `npm run dev` (examples/oidc-web-app/), set up as the launcher sets it up but
 * against the e2e stack: the banner's sign-in link takes a person through the hosted login page
 * and back to the app, which shows who signed in and what the gate answered with the access token.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { demoAppLines, signInLinkOf } from "../../dev/demo-app/banner-lines";
import { provisionDemo, type DemoRegistration } from "../../examples/oidc-web-app/provision";
import { startDemoApp, type DemoApp } from "../../examples/oidc-web-app/server";
import { freePort } from "../../dev/support/free-port";
import { EN } from "../../workers/issuer/pages/strings-en";
import { e2eStack } from "./support/e2e-context";
import { FormBrowser } from "./support/form-browser";
import { standInUrl } from "./support/social";
import { verifiedPasswordUser, type PasswordUser } from "./support/users";

let dataDir: string;
let registration: DemoRegistration;
let app: DemoApp;
let link: URL;
let user: PasswordUser;

beforeAll(async () => {
  const { issuerUrl, gateUrl, adminToken } = e2eStack();
  dataDir = mkdtempSync(join(tmpdir(), "portcullis-demo-app-"));
  const port = await freePort();
  // The issuer of the e2e stack is on localhost, so the app takes the other loopback name, as the launcher does the other way round.
  const appUrl = `http://127.0.0.1:${port}`;
  registration = await provisionDemo({ issuerUrl, adminToken, appUrl, stateFile: join(dataDir, "demo-app.json"), identityProvider: localIdentityProvider() });
  app = await startDemoApp({ port, host: "127.0.0.1", issuerUrl, gateUrl, clientId: registration.clientId });
  link = signInLinkOf(demoAppLines({ url: app.url, clientId: registration.clientId, tenantId: registration.tenantId }));
  user = await verifiedPasswordUser({ id: registration.tenantId, slug: "demo", apiKey: registration.apiKey });
});

function localIdentityProvider() {
  return { issuer: standInUrl(), controlUrl: `${standInUrl()}/_control` };
}

afterAll(async () => {
  await app.close();
  rmSync(dataDir, { recursive: true, force: true });
});

const atAppCallback = (next: URL) => next.origin === app.url && next.pathname === "/callback";

describe("the demo web app of npm run dev", () => {
  it("the banner's sign-in link signs a person in on the hosted login page and lands on the app, which shows them and the gate's 200; sign-out ends the sign-in", async () => {
    const browser = new FormBrowser();
    const login = await browser.follow(link);
    expect(login.url.origin).toBe(e2eStack().issuerUrl);
    expect(login.url.pathname).toBe("/login");
    const landed = await browser.submit(login, { step: "password", fields: { email: user.email, password: user.password } });
    expect(landed.url.origin).toBe(app.url);
    expect(landed.url.pathname).toBe("/callback");
    expect(landed.status).toBe(200);
    expect(landed.html).toContain(`Signed in as <strong>${user.email}</strong>`);
    expect(landed.html).toContain(user.userId);
    expect(landed.html).toContain("the gate answered 200");

    const signOut = /id="sign-out" href="([^"]+)"/.exec(landed.html)?.[1]?.replace(/&amp;/g, "&");
    expect(signOut).toBeDefined();
    const home = await browser.follow(signOut as string);
    expect(home.url.href).toBe(`${app.url}/`);
    expect(home.html).toContain(`href="/sign-in"`);
    // Signed out at the issuer too: the same link asks for the password again.
    const again = await browser.follow(link);
    expect(again.url.pathname).toBe("/login");
    expect(again.html).toContain(`name="password"`);
  });

  it("finds its tenant and client again on the next start (the same state file), instead of making new ones", async () => {
    const { issuerUrl, adminToken } = e2eStack();
    const again = await provisionDemo({ issuerUrl, adminToken, appUrl: app.url, stateFile: join(dataDir, "demo-app.json"), identityProvider: localIdentityProvider() });
    expect(again).toEqual(registration);
    expect(again.connectionId).toMatch(/^con_/);
  });

  it("the demo login page's 'Continue with Local OpenID Provider' button signs a test user of the local provider in and lands on the app, which shows them", async () => {
    const browser = new FormBrowser();
    const login = await browser.follow(link);
    const connectionForm = `/login/connection/${registration.connectionId ?? ""}`;
    expect(login.html).toContain(`action="${connectionForm}"`);
    expect(login.html).toContain(EN.federation.button("oidc", "Local OpenID Provider"));
    const atProvider = (next: URL) => next.origin === new URL(standInUrl()).origin;
    const toProvider = await browser.submit(login, { action: connectionForm }, atProvider);
    expect(toProvider.location?.origin).toBe(new URL(standInUrl()).origin);
    // The local provider's shortcut: login_hint names the test user, so its login page is skipped.
    const authorize = new URL(toProvider.location as URL);
    authorize.searchParams.set("login_hint", "grace@example.com");
    const landed = await browser.follow(authorize);
    expect(landed.url.origin).toBe(app.url);
    expect(landed.url.pathname).toBe("/callback");
    expect(landed.status).toBe(200);
    expect(landed.html).toContain("Signed in as <strong>grace@example.com</strong>");
    expect(landed.html).toContain("the gate answered 200");
  });

  it("login CSRF: a callback carrying a code from someone else's sign-in is refused, and the app shows nobody", async () => {
    const attacker = new FormBrowser();
    const attackerLogin = await attacker.follow(link, atAppCallback);
    const attackerCallback = await attacker.submit(attackerLogin, { step: "password", fields: { email: user.email, password: user.password } }, atAppCallback);
    expect(attackerCallback.location?.pathname).toBe("/callback");

    const victim = new FormBrowser();
    // The victim's own sign-in started (its flow cookie set), then the attacker's callback URL is opened in it.
    const started = await victim.request(link);
    expect(started.status).toBe(303);
    const refused = await victim.follow(attackerCallback.location as URL);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("Sign-in failed");
    expect(refused.html).not.toContain(user.email);
  });

  it("a callback the browser never started (no flow cookie) is refused with 400", async () => {
    const refused = await new FormBrowser().follow(`${app.url}/callback?code=forged&state=forged&iss=${encodeURIComponent(e2eStack().issuerUrl)}`);
    expect(refused.status).toBe(400);
    expect(refused.html).toContain("did not start a sign-in");
  });
});
