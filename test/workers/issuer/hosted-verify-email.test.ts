import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { users } from "../../../drizzle/schema";
import { testDb } from "./support/account-rows";
import { awaitMail, linkTokens, signup, storedLink, strongPassword } from "./support/accounts-client";
import { freshEmail } from "./support/email-sandbox";
import { adminFetch, createTenant, ISSUER, jsonRequest, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser } from "./support/page-browser";

/** Signs up through the JSON route and answers the mailed verification link's token. */
async function verificationToken(tenant: TenantCredentials, email: string): Promise<string> {
  expect((await signup(tenant.api_key, email, strongPassword())).status).toBe(202);
  const [mail] = await awaitMail(email, /Confirm your email address/);
  expect(mail?.text).toContain(`${ISSUER}/verify-email?token=`);
  return linkTokens(mail)[0] ?? "";
}

async function verified(email: string): Promise<boolean | undefined> {
  const [row] = await testDb.select({ verified: users.emailVerified }).from(users).where(eq(users.email, email));
  return row?.verified;
}

/** The sign-up form's hidden fields (it has no step field). */
function signupFields(html: string): Record<string, string> {
  const form = /<form[^>]*action="\/signup"[\s\S]*?<\/form>/.exec(html)?.[0] ?? "";
  const fields: Record<string, string> = {};
  for (const input of form.match(/<input[^>]*type="hidden"[^>]*>/g) ?? []) {
    const name = /name="([^"]*)"/.exec(input)?.[1];
    const value = /value="([^"]*)"/.exec(input)?.[1];
    if (name !== undefined) fields[name] = (value ?? "").replace(/&quot;/g, '"').replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
  }
  return fields;
}

describe("/verify-email", () => {
  it("a verification link opened by a scanner with GET changes nothing; the button's POST confirms the address", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const token = await verificationToken(tenant, email);
    const browser = new PageBrowser();
    const page = await browser.get(`/verify-email?token=${token}`);
    await new PageBrowser().get(`/verify-email?token=${token}`);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain("Confirm this address");
    expect(await verified(email)).toBe(false);
    expect(await storedLink(token)).not.toBeNull();
    const done = await browser.post("/verify-email", formFields(page.html, "verify"));
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("Your email address is confirmed");
    expect(await verified(email)).toBe(true);
  });

  it("a verification link used twice shows the expired page the second time", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const token = await verificationToken(tenant, email);
    const browser = new PageBrowser();
    const page = await browser.get(`/verify-email?token=${token}`);
    const fields = formFields(page.html, "verify");
    expect((await browser.post("/verify-email", fields)).response.status).toBe(200);
    const again = await browser.post("/verify-email", fields);
    expect(again.response.status).toBe(401);
    expect(again.html).toContain("This link has expired");
  });

  it("a forged POST without the CSRF token is refused with 403 and confirms nothing", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const token = await verificationToken(tenant, email);
    const forged = await new PageBrowser().post("/verify-email", { csrf: "", token, step: "verify" });
    expect(forged.response.status).toBe(403);
    expect(await verified(email)).toBe(false);
    expect(await storedLink(token)).not.toBeNull();
  });

  it("continues a pending authorization request of the link's tenant (signing the browser in), and ignores another tenant's", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const requestOf = async (owner: TenantCredentials) => {
      const created = await adminFetch(`/api/admin/tenants/${owner.tenant_id}/clients`, jsonRequest("POST", { name: "App", type: "public", first_party: true, redirect_uris: ["https://app.example.com/callback"] }));
      const { client_id } = await created.json<{ client_id: string }>();
      return new URLSearchParams({ response_type: "code", client_id, redirect_uri: "https://app.example.com/callback", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }).toString();
    };
    const own = await requestOf(tenant);
    const email = freshEmail();
    const token = await verificationToken(tenant, email);
    const browser = new PageBrowser();
    const page = await browser.get(`/verify-email?token=${token}&request=${encodeURIComponent(own)}`);
    expect(page.response.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://app.example.com;");
    const done = await browser.post("/verify-email", formFields(page.html, "verify"));
    expect(done.response.status).toBe(303);
    expect(done.response.headers.get("Location")).toBe(`/oauth2/authorize?${own}`);
    expect(browser.cookies.has("portcullis_session")).toBe(true);

    const secondEmail = freshEmail();
    const secondToken = await verificationToken(tenant, secondEmail);
    const foreign = await requestOf(other);
    const second = await browser.get(`/verify-email?token=${secondToken}&request=${encodeURIComponent(foreign)}`);
    expect(second.html).not.toContain('name="request"');
    // Smuggled into the form anyway: confirmed, not continued, and no second browser session.
    const strangerBrowser = new PageBrowser();
    const strangerPage = await strangerBrowser.get(`/verify-email?token=${secondToken}`);
    const answer = await strangerBrowser.post("/verify-email", { ...formFields(strangerPage.html, "verify"), request: foreign });
    expect(answer.response.status).toBe(200);
    expect(answer.response.headers.get("Location")).toBeNull();
    expect(strangerBrowser.cookies.has("portcullis_session")).toBe(false);
  });

  it("sign-up from an authorization request: the verification mail carries the request, and its link ends with a code at the client's redirect URI", async () => {
    const tenant = await createTenant();
    const created = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "App", type: "public", first_party: true, redirect_uris: ["https://app.example.com/callback"] }));
    const { client_id } = await created.json<{ client_id: string }>();
    const request = new URLSearchParams({ response_type: "code", client_id, redirect_uri: "https://app.example.com/callback", scope: "openid email", state: "st-s", code_challenge: "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM", code_challenge_method: "S256" }).toString();
    const email = freshEmail();
    const browser = new PageBrowser();
    const toLogin = await browser.get(`/oauth2/authorize?${request}`);
    expect(toLogin.response.headers.get("Location")).toBe(`/login?request=${encodeURIComponent(request)}`);
    const signupPage = await browser.get(`/signup?request=${encodeURIComponent(request)}`);
    const sent = await browser.post("/signup", { ...signupFields(signupPage.html), email, password: strongPassword() });
    expect(sent.html).toContain("Check your email");
    const [mail] = await awaitMail(email, /Confirm your email address/);
    const link = new URL(/https?:\/\/\S+\/verify-email\?\S+/.exec(mail?.text ?? "")?.[0] ?? "");
    expect(link.searchParams.get("request")).toBe(request);
    const page = await browser.get(`${link.pathname}${link.search}`);
    const onward = await browser.post("/verify-email", formFields(page.html, "verify"));
    expect(onward.response.status, onward.html).toBe(303);
    expect(await verified(email)).toBe(true);
    const answer = await browser.get(onward.response.headers.get("Location") ?? "");
    expect(answer.response.status).toBe(303);
    const back = new URL(answer.response.headers.get("Location") ?? "");
    expect(`${back.origin}${back.pathname}`).toBe("https://app.example.com/callback");
    expect(back.searchParams.get("code")).toMatch(/^ac_/);
    expect(back.searchParams.get("state")).toBe("st-s");
  });

  it("a sign-in or reset link's token on this page is treated as expired and not spent", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const browser = new PageBrowser();
    const login = await browser.get(`/login?key=${tenant.api_key}`);
    await browser.post("/login", { ...formFields(login.html, "email_request"), email });
    const [mail] = await awaitMail(email, /.*/);
    const token = linkTokens(mail)[0] ?? "";
    expect((await browser.get(`/verify-email?token=${token}`)).response.status).toBe(401);
    expect(await storedLink(token)).not.toBeNull();
  });
});
