import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { browserSessions, users } from "../../../drizzle/schema";
import { testDb } from "./support/account-rows";
import { codeIn, newestEmail } from "./support/email-client";
import { emailInbox, freshEmail } from "./support/email-sandbox";
import { adminFetch, createTenant, jsonRequest, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";

async function loginPage(browser: PageBrowser, tenant: TenantCredentials, extra = ""): Promise<Page> {
  const page = await browser.get(`/login?key=${encodeURIComponent(tenant.api_key)}${extra}`);
  expect(page.response.status, page.html).toBe(200);
  return page;
}

async function requestCode(browser: PageBrowser, tenant: TenantCredentials, email: string): Promise<Page> {
  const page = await loginPage(browser, tenant);
  return browser.post("/login", { ...formFields(page.html, "email_request"), email });
}

async function userIdOf(email: string): Promise<string | undefined> {
  const [row] = await testDb.select({ id: users.id }).from(users).where(eq(users.email, email));
  return row?.id;
}

describe("/login: email code and link", () => {
  it("emails a code and a link, then the code signs the browser in (a new user is created)", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const browser = new PageBrowser();
    const codePage = await requestCode(browser, tenant, email);
    expect(codePage.response.status, codePage.html).toBe(200);
    expect(codePage.html).toContain("we sent a code and a sign-in link");
    expect(codePage.html).toContain('<label for="email-code">');
    const mail = await newestEmail(email);
    expect(mail.text).toContain("/auth/link?token=");
    const done = await browser.post("/login", { ...formFields(codePage.html, "email_verify"), code: codeIn(mail) });
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("You are signed in to");
    const userId = await userIdOf(email);
    expect(userId).toBeDefined();
    expect(await testDb.select().from(browserSessions).where(eq(browserSessions.userId, userId ?? ""))).toHaveLength(1);
  });

  it("a guessed wrong code is refused with 401 beside the code field and signs nobody in", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const browser = new PageBrowser();
    const codePage = await requestCode(browser, tenant, email);
    const right = codeIn(await newestEmail(email));
    const wrong = right === "000000" ? "111111" : "000000";
    const refused = await browser.post("/login", { ...formFields(codePage.html, "email_verify"), code: wrong.slice(0, right.length) });
    expect(refused.response.status).toBe(401);
    expect(refused.html).toContain('<p id="code-error" class="error">That code is not right. Check it and try again.</p>');
    expect(refused.html).toContain('aria-describedby="code-error"');
    expect(browser.cookies.has("portcullis_session")).toBe(false);
  });

  it("a forged email request without the CSRF token sends no email", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const browser = new PageBrowser();
    const page = await loginPage(browser, tenant);
    const forged = await browser.post("/login", { ...formFields(page.html, "email_request"), csrf: "", email });
    expect(forged.response.status).toBe(403);
    expect(await emailInbox(email)).toHaveLength(0);
  });

  it("a malformed address is refused beside the email sign-in field, sending nothing", async () => {
    const tenant = await createTenant();
    const refused = await requestCode(new PageBrowser(), tenant, "not-an-address");
    expect(refused.response.status).toBe(400);
    expect(refused.html).toContain('<p id="email-otp-error" class="error">Enter a valid email address.</p>');
  });

  it("a tenant without email_otp shows no email form and refuses a posted one with 403, sending nothing", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password", "phone_otp"] });
    const email = freshEmail();
    const browser = new PageBrowser();
    const page = await loginPage(browser, tenant);
    expect(page.html).not.toContain('value="email_request"');
    const fields = { ...formFields(page.html, "password"), step: "email_request", email };
    delete (fields as Record<string, string | undefined>).password;
    const refused = await browser.post("/login", fields);
    expect(refused.response.status).toBe(403);
    expect(await emailInbox(email)).toHaveLength(0);
  });

  it("login_hint of the authorization request prefills the email fields or the phone field", async () => {
    const tenant = await createTenant();
    const created = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "App", type: "public", first_party: true, redirect_uris: ["https://app.example.com/callback"] }));
    const { client_id } = await created.json<{ client_id: string }>();
    const request = (hint: string) =>
      new URLSearchParams({ response_type: "code", client_id, redirect_uri: "https://app.example.com/callback", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256", login_hint: hint }).toString();
    const byEmail = await new PageBrowser().get(`/login?request=${encodeURIComponent(request("ada@example.com"))}`);
    expect(byEmail.html).toContain('id="email-otp" name="email" type="email" autocomplete="email" required="" maxlength="320" value="ada@example.com"');
    const byPhone = await new PageBrowser().get(`/login?request=${encodeURIComponent(request("+15551234567"))}`);
    expect(byPhone.html).toMatch(/id="phone"[^>]*value="\+15551234567"/);
  });
});
