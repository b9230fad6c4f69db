import { describe, expect, it } from "vitest";
import { awaitMail, linkTokens, login, passwordUser, storedLink, strongPassword } from "./support/accounts-client";
import { emailInbox, freshEmail } from "./support/email-sandbox";
import { createTenant, ISSUER, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";


async function requestPage(browser: PageBrowser, tenant: TenantCredentials): Promise<Page> {
  const page = await browser.get(`/reset-password?key=${encodeURIComponent(tenant.api_key)}`);
  expect(page.response.status, page.html).toBe(200);
  return page;
}

/** Asks for a reset through the page and answers the token of the mailed link. */
async function mailedResetToken(tenant: TenantCredentials, email: string): Promise<string> {
  const browser = new PageBrowser();
  const page = await requestPage(browser, tenant);
  const sent = await browser.post("/reset-password", { ...formFields(page.html, "request"), email });
  expect(sent.response.status, sent.html).toBe(200);
  const [mail] = await awaitMail(email, /reset/i);
  expect(mail?.text).toContain(`${ISSUER}/reset-password?token=`);
  const [token] = linkTokens(mail);
  return token ?? "";
}

describe("/reset-password", () => {
  it("answers the same words for an existing and an unknown address, and mails a link only to the existing one", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const unknown = freshEmail();
    const answers: string[] = [];
    for (const email of [user.email, unknown]) {
      const browser = new PageBrowser();
      const page = await requestPage(browser, tenant);
      const sent = await browser.post("/reset-password", { ...formFields(page.html, "request"), email });
      expect(sent.response.status).toBe(200);
      answers.push(sent.html.replace(/nonce="[^"]*"/g, ""));
    }
    expect(answers[0]).toContain("If an account exists for that address");
    expect(answers[0]).toBe(answers[1]);
    await awaitMail(user.email, /reset/i);
    expect(await emailInbox(unknown)).toHaveLength(0);
  });

  it("the link's page asks for the password twice; GET spends nothing; the new password works and the old one no longer does", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await mailedResetToken(tenant, user.email);
    const browser = new PageBrowser();
    const page = await browser.get(`/reset-password?token=${token}`);
    await browser.get(`/reset-password?token=${token}`);
    expect(page.response.status).toBe(200);
    expect(page.html).toContain('<label for="password_confirm">');
    expect(await storedLink(token)).not.toBeNull();
    const password = strongPassword();
    const done = await browser.post("/reset-password", { ...formFields(page.html, "choose"), password, password_confirm: password });
    expect(done.response.status, done.html).toBe(200);
    expect(done.html).toContain("Your password has been changed");
    expect((await login(tenant.api_key, user.email, password)).status).toBe(200);
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(401);
  });

  it("a reset link used twice: the second POST shows the expired page and changes nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await mailedResetToken(tenant, user.email);
    const browser = new PageBrowser();
    const page = await browser.get(`/reset-password?token=${token}`);
    const fields = formFields(page.html, "choose");
    const first = strongPassword();
    expect((await browser.post("/reset-password", { ...fields, password: first, password_confirm: first })).response.status).toBe(200);
    const second = strongPassword();
    const replay = await browser.post("/reset-password", { ...fields, password: second, password_confirm: second });
    expect(replay.response.status).toBe(401);
    expect(replay.html).toContain("This link has expired");
    expect((await login(tenant.api_key, user.email, first)).status).toBe(200);
    expect((await browser.get(`/reset-password?token=${token}`)).response.status).toBe(401);
  });

  it("two different passwords, or a weak one, are refused beside their field and leave the link usable", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await mailedResetToken(tenant, user.email);
    const browser = new PageBrowser();
    const page = await browser.get(`/reset-password?token=${token}`);
    const fields = formFields(page.html, "choose");
    const differ = await browser.post("/reset-password", { ...fields, password: strongPassword(), password_confirm: strongPassword() });
    expect(differ.response.status).toBe(400);
    expect(differ.html).toContain('<p id="password_confirm-error" class="error">The two passwords are not the same.</p>');
    const weak = await browser.post("/reset-password", { ...fields, password: "short", password_confirm: "short" });
    expect(weak.response.status).toBe(400);
    expect(weak.html).toContain('<p id="password-error" class="error">This password is too short.</p>');
    expect(weak.html).toContain('aria-describedby="password-error"');
    expect(await storedLink(token)).not.toBeNull();
    expect((await login(tenant.api_key, user.email, user.password)).status).toBe(200);
  });

  it("a forged reset POST without the CSRF token is refused with 403 and spends nothing", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const token = await mailedResetToken(tenant, user.email);
    const attacker = new PageBrowser();
    const password = strongPassword();
    const forged = await attacker.post("/reset-password", { step: "choose", csrf: "", token, password, password_confirm: password });
    expect(forged.response.status).toBe(403);
    expect(await storedLink(token)).not.toBeNull();
    const forgedRequest = await new PageBrowser().post("/reset-password", { step: "request", csrf: "x", key: tenant.api_key, email: user.email });
    expect(forgedRequest.response.status).toBe(403);
  });

  it("a sign-in link's token on the reset page is treated as expired and not spent", async () => {
    const tenant = await createTenant();
    const email = freshEmail();
    const browser = new PageBrowser();
    const login = await browser.get(`/login?key=${tenant.api_key}`);
    await browser.post("/login", { ...formFields(login.html, "email_request"), email });
    const [mail] = await awaitMail(email, /.*/);
    const [token] = linkTokens(mail);
    expect((await browser.get(`/reset-password?token=${token ?? ""}`)).response.status).toBe(401);
    expect(await storedLink(token ?? "")).not.toBeNull();
  });
});
