import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { browserSessions } from "../../../drizzle/schema";
import { testDb } from "./support/account-rows";
import { passwordUser } from "./support/accounts-client";
import { createTenant, type TenantCredentials } from "./support/issuer-client";
import { addPasskey, ISSUER_ORIGIN, SoftwareAuthenticator } from "./support/passkey-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";

async function passkeyUser(tenant: TenantCredentials): Promise<{ email: string; password: string; userId: string; authenticator: SoftwareAuthenticator }> {
  const user = await passwordUser(tenant);
  const authenticator = new SoftwareAuthenticator();
  await addPasskey(user.token, authenticator);
  return { email: user.email, password: user.password, userId: user.user_id, authenticator };
}

/** The WebAuthn request options the page hands its script, as the script reads them. */
function pageOptions(page: Page): Record<string, unknown> {
  const attribute = /id="passkey-form" data-options="([^"]*)"/.exec(page.html)?.[1];
  if (attribute === undefined) throw new Error("no passkey form on the page");
  return JSON.parse(attribute.replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&")) as Record<string, unknown>;
}

async function browserSessionCount(userId: string): Promise<number> {
  return (await testDb.select().from(browserSessions).where(eq(browserSessions.userId, userId))).length;
}

/** What the page's script does: options → authenticator → the assertion in the form's POST. */
async function answerWithPasskey(browser: PageBrowser, page: Page, step: string, authenticator: SoftwareAuthenticator): Promise<{ page: Page; fields: Record<string, string> }> {
  const credential = await authenticator.get(ISSUER_ORIGIN, pageOptions(page));
  const fields = { ...formFields(page.html, step), credential: JSON.stringify(credential) };
  return { page: await browser.post("/login", fields), fields };
}

describe("/login: passkeys", () => {
  it("the passkey controls are hidden until our nonce'd script finds WebAuthn; the script loads nothing", async () => {
    const tenant = await createTenant();
    const page = await new PageBrowser().get(`/login?key=${tenant.api_key}`);
    const nonce = /script-src 'nonce-([a-z0-9]+)'/.exec(page.response.headers.get("Content-Security-Policy") ?? "")?.[1];
    expect(page.html).toContain(`<script nonce="${nonce}">`);
    expect(page.html).toMatch(/<form method="post" action="\/login" data-passkey="true" hidden="">/);
    expect(page.html).not.toMatch(/<script[^>]* src=/);
    expect(page.html).not.toMatch(/ on[a-z]+="/);
    // Without JavaScript the other forms are all there.
    expect(formFields(page.html, "password").step).toBe("password");
  });

  it("signs in with a discoverable passkey through the form POST and opens the browser session", async () => {
    const tenant = await createTenant();
    const user = await passkeyUser(tenant);
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    const challenge = await browser.post("/login", formFields(first.html, "passkey_start"));
    expect(challenge.response.status, challenge.html).toBe(200);
    expect(pageOptions(challenge)).toMatchObject({ rpId: new URL(ISSUER_ORIGIN).hostname, userVerification: "required" });
    const { page: done } = await answerWithPasskey(browser, challenge, "passkey", user.authenticator);
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("You are signed in to");
    expect(await browserSessionCount(user.userId)).toBe(1);
  });

  it("a replayed assertion is refused with 401 and opens no second browser session", async () => {
    const tenant = await createTenant();
    const user = await passkeyUser(tenant);
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    const challenge = await browser.post("/login", formFields(first.html, "passkey_start"));
    const { fields } = await answerWithPasskey(browser, challenge, "passkey", user.authenticator);
    const replay = await new PageBrowser().post("/login", fields);
    expect(replay.response.status).toBe(403);
    const sameBrowser = await browser.post("/login", fields);
    expect(sameBrowser.response.status).toBe(401);
    expect(sameBrowser.html).toContain('role="alert"');
    expect(await browserSessionCount(user.userId)).toBe(1);
  });

  it("a credential that is not an assertion is refused with the JSON route's 4xx on the page, never a 5xx", async () => {
    const tenant = await createTenant();
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    const challenge = await browser.post("/login", formFields(first.html, "passkey_start"));
    for (const credential of ["", "{", "null", JSON.stringify({ id: "x", rawId: "y" })]) {
      const refused = await browser.post("/login", { ...formFields(challenge.html, "passkey"), credential });
      expect([400, 401], credential).toContain(refused.response.status);
      expect(refused.html).toContain('role="alert"');
    }
  });

  it("a tenant without passkey offers none and refuses a posted passkey_start with 403", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    expect(first.html).not.toContain('value="passkey_start"');
    const refused = await browser.post("/login", { ...formFields(first.html, "password"), step: "passkey_start", email: "", password: "" });
    expect([400, 403]).toContain(refused.response.status);
    const bare = await browser.post("/login", { csrf: formFields(first.html, "password").csrf ?? "", key: tenant.api_key, step: "passkey_start" });
    expect(bare.response.status).toBe(403);
  });

  it("a passkey as the second factor: the password, then the passkey, signs the browser in", async () => {
    const tenant = await createTenant();
    const user = await passkeyUser(tenant);
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    const owed = await browser.post("/login", { ...formFields(first.html, "password"), email: user.email, password: user.password });
    expect(owed.response.status, owed.html).toBe(200);
    const challenge = await browser.post("/login", formFields(owed.html, "second_factor_passkey_start"));
    expect(challenge.response.status, challenge.html).toBe(200);
    expect(pageOptions(challenge).allowCredentials).toEqual([expect.objectContaining({ type: "public-key" })]);
    const { page: done } = await answerWithPasskey(browser, challenge, "second_factor_passkey", user.authenticator);
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("You are signed in to");
    expect(await browserSessionCount(user.userId)).toBe(1);
  });

  it("another user's passkey cannot finish this user's second step", async () => {
    const tenant = await createTenant();
    const user = await passkeyUser(tenant);
    const other = await passkeyUser(tenant);
    const browser = new PageBrowser();
    const first = await browser.get(`/login?key=${tenant.api_key}`);
    const owed = await browser.post("/login", { ...formFields(first.html, "password"), email: user.email, password: user.password });
    const challenge = await browser.post("/login", formFields(owed.html, "second_factor_passkey_start"));
    const options = pageOptions(challenge);
    const credential = await other.authenticator.get(ISSUER_ORIGIN, { ...options, allowCredentials: [] });
    const refused = await browser.post("/login", { ...formFields(challenge.html, "second_factor_passkey"), credential: JSON.stringify(credential) });
    expect(refused.response.status).toBe(401);
    expect(await browserSessionCount(user.userId)).toBe(0);
    expect(await browserSessionCount(other.userId)).toBe(0);
  });
});
