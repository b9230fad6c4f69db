/**
 * The e2e stack itself: the issuer answers on its `localhost` URL (the host name WebAuthn needs),
 * the hosted pages' cookies and CSRF origin check follow that URL, and the support helpers
 * (admin API, inboxes, form browser) drive a real sign-in.
 */
import { describe, expect, it } from "vitest";
import { createTenant } from "./support/admin-api";
import { e2eStack } from "./support/e2e-context";
import { FormBrowser } from "./support/form-browser";
import { verifiedPasswordUser } from "./support/users";

describe("the e2e stack", () => {
  it("serves the issuer at http://localhost:<port>, and discovery names that URL as the issuer", async () => {
    const { issuerUrl } = e2eStack();
    expect(new URL(issuerUrl).hostname).toBe("localhost");
    const response = await fetch(new URL("/.well-known/openid-configuration", issuerUrl));
    expect(response.status).toBe(200);
    const metadata = (await response.json()) as { issuer: string; authorization_endpoint: string };
    expect(metadata.issuer).toBe(issuerUrl);
    expect(metadata.authorization_endpoint).toBe(`${issuerUrl}/oauth2/authorize`);
  });

  it("gives the hosted pages' cookies their plain names, HttpOnly and without Secure, on the http issuer", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const browser = new FormBrowser();
    const page = await browser.request(new URL(`/login?key=${tenant.apiKey}`, e2eStack().issuerUrl));
    expect(page.status).toBe(200);
    const csrfCookie = page.headers.getSetCookie().find((header) => header.startsWith("portcullis_csrf="));
    expect(csrfCookie).toMatch(/HttpOnly/i);
    expect(csrfCookie).toMatch(/SameSite=Lax/i);
    expect(csrfCookie).not.toMatch(/Secure/i);
  });

  it("signs a verified password user in on /login through the form browser, which then holds the browser session", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const browser = new FormBrowser();
    const page = await browser.follow(new URL(`/login?key=${tenant.apiKey}`, e2eStack().issuerUrl));
    const signedIn = await browser.submit(page, { step: "password", fields: { email: user.email, password: user.password } });
    expect(signedIn.status).toBe(200);
    expect(signedIn.html).toContain("You are signed in to");
    expect(browser.cookieNames(page.url)).toContain("portcullis_session");
  });

  it("forged cross-origin POST: a login form posted with the 127.0.0.1 origin (not the issuer's localhost origin) is refused with 403 and signs nobody in", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const user = await verifiedPasswordUser(tenant);
    const browser = new FormBrowser();
    const page = await browser.follow(new URL(`/login?key=${tenant.apiKey}`, e2eStack().issuerUrl));
    const otherOrigin = new URL(page.url);
    otherOrigin.hostname = "127.0.0.1";
    const refused = await browser.submit(page, { step: "password", fields: { email: user.email, password: user.password }, origin: otherOrigin.origin });
    expect(refused.status).toBe(403);
    expect(refused.html).toContain("was not sent from this page");
    expect(browser.cookieNames(page.url)).not.toContain("portcullis_session");
  });
});
