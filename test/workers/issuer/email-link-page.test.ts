import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { linkTokenHash, newLinkToken } from "../../../shared/crypto/link-token";
import type { EmailTokenPurpose } from "../../../shared/ports/email-token-store";
import { issuerDeps } from "../../../workers/issuer/deps";
import { login, strongPassword } from "./support/accounts-client";
import { getLinkPage, postLinkPage, requestedEmail, verifyEmailCode, verifyEmailToken } from "./support/email-client";
import { freshEmail } from "./support/email-sandbox";
import { createTenant, freshIp, issuerFetch, withBearer, type TenantCredentials } from "./support/issuer-client";

const deps = issuerDeps(env);
const APP = "https://app.example.com/auth/callback";
const BASE_CSP = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

function expectPageHeaders(response: Response): void {
  expect(response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Referrer-Policy")).toBe("no-referrer");
  expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
}

/** No script, and nothing loaded from anywhere: the only URL-bearing attribute is the form's own action. */
function expectSelfContained(html: string): void {
  expect(html).not.toMatch(/<script/i);
  expect(html).not.toMatch(/\s(src|href)=/i);
}

/** A link of `purpose` for a user whose address is not yet verified, as the sign-up and address-change flows send them. */
async function unverifiedUserWithLink(tenant: TenantCredentials, purpose: EmailTokenPurpose): Promise<{ userId: string; address: string; token: string }> {
  const address = freshEmail();
  const created = await deps.accounts.createWithPassword({ id: newId("usr"), tenantId: tenant.tenant_id, email: address, emailVerified: false, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", roles: [] });
  if (created.kind !== "created") throw new Error("the test user could not be created");
  const link = await newLinkToken();
  const now = new Date();
  await deps.emailTokens.issue({ tokenHash: link.hash, tenantId: tenant.tenant_id, userId: created.user.id, purpose, email: address, requestId: null, expiresAt: new Date(now.getTime() + 600_000) }, now);
  return { userId: created.user.id, address, token: link.token };
}

describe("GET /auth/link", () => {
  it("shows a form that posts the token back, and spends nothing: two GETs, then the POST signs in", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    for (let look = 0; look < 2; look += 1) {
      const page = await getLinkPage(token);
      expect(page.status).toBe(200);
      expectPageHeaders(page);
      const html = await page.text();
      expect(html).toContain('<form method="post" action="/auth/link">');
      expect(html).toContain(`<input type="hidden" name="token" value="${token}">`);
      expectSelfContained(html);
    }
    const done = await postLinkPage({ token });
    expect(done.status).toBe(303);
    const location = new URL(done.headers.get("Location") ?? "");
    expect(`${location.origin}${location.pathname}`).toBe(APP);
    const fragment = new URLSearchParams(location.hash.slice(1));
    expect(fragment.get("token_type")).toBe("Bearer");
    expect(Number(fragment.get("expires_in"))).toBeGreaterThan(0);
    expect(fragment.get("refresh_token")).toEqual(expect.any(String));
    expect((await issuerFetch("/api/auth/me", withBearer(fragment.get("access_token") ?? ""))).status).toBe(200);
    expect(done.headers.get("Cache-Control")).toBe("no-store");
    expect(done.headers.get("Referrer-Policy")).toBe("no-referrer");
  });

  it("a link scanner that only GETs spends neither the link nor the code", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    expect((await getLinkPage(token)).status).toBe(200);
    expect((await issuerFetch(`/auth/link?token=${token}`, { method: "HEAD", headers: { "CF-Connecting-IP": freshIp() } })).status).toBe(200);
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(200);
  });

  it("sends a strict CSP: nothing loads, forms post only to the issuer (and, for a sign-in, the app it hands the session to)", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    expect((await getLinkPage(token)).headers.get("Content-Security-Policy")).toBe(BASE_CSP.replace("form-action 'self'", "form-action 'self' https://app.example.com"));
    const verification = await unverifiedUserWithLink(tenant, "verify_email");
    expect((await getLinkPage(verification.token)).headers.get("Content-Security-Policy")).toBe(BASE_CSP);
    expect((await getLinkPage("A".repeat(43))).headers.get("Content-Security-Policy")).toBe(BASE_CSP);
  });

  it("escapes a hostile tenant branding in the page", async () => {
    const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>&amp;`;
    const tenant = await createTenant({ email_branding: hostile, redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const html = await (await getLinkPage(token)).text();
    const escaped = "&lt;script&gt;alert(1)&lt;/script&gt;&quot;&gt;&lt;img src=x onerror=alert(2)&gt;&amp;amp;";
    expect(html).toContain(`<title>Sign in to ${escaped}</title>`);
    expect(html).toContain(`<button type="submit">Sign in to ${escaped}</button>`);
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<img");
    // The same branding in a message page (a tenant with nowhere to return to).
    const bare = await createTenant({ email_branding: hostile });
    const message = await (await getLinkPage((await requestedEmail(bare, freshEmail())).token)).text();
    expect(message).toContain(`<p>${escaped} has no return address configured`);
    expect(message).not.toMatch(/<script/i);
    expect(message).not.toContain("<img");
  });

  it.each([
    ["an unknown token", "A".repeat(43)],
    ["a malformed token", "not a token"],
  ])("shows 'this link has expired', and nothing more, for %s", async (_label, token) => {
    const page = await getLinkPage(token);
    expect(page.status).toBe(401);
    expectPageHeaders(page);
    const html = await page.text();
    expect(html).toContain("This link has expired");
    expect(html).not.toContain("<form");
  });

  it("shows a reset link a new-password form", async () => {
    const tenant = await createTenant({ password_min_length: 12 });
    const { token } = await unverifiedUserWithLink(tenant, "reset_password");
    const html = await (await getLinkPage(token)).text();
    expect(html).toContain('<input id="password" type="password" name="password" autocomplete="new-password" required minlength="12" maxlength="128">');
    expect(await deps.emailTokens.find(await linkTokenHash(token), new Date())).toMatchObject({ purpose: "reset_password" });
  });

  it("tells a sign-in link's visitor at once when the app has no return address, without a form", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await getLinkPage(token);
    expect(page.status).toBe(409);
    const html = await page.text();
    expect(html).toContain("no return address configured");
    expect(html).not.toContain("<form");
  });

  it("refuses an unknown query parameter with a 400 page and spends nothing", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await issuerFetch(`/auth/link?token=${token}&next=https://evil.example`, { headers: { "CF-Connecting-IP": freshIp() } });
    expect(page.status).toBe(400);
    expectPageHeaders(page);
    expect((await postLinkPage({ token })).status).toBe(303);
  });
});

describe("POST /auth/link", () => {
  it("completes once: a second POST of the same link shows the expired page", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    expect((await postLinkPage({ token })).status).toBe(303);
    const again = await postLinkPage({ token });
    expect(again.status).toBe(401);
    expect(await again.text()).toContain("This link has expired");
  });

  it("two POSTs of one link racing: exactly one session", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const answers = await Promise.all(Array.from({ length: 4 }, () => postLinkPage({ token })));
    expect(answers.map((answer) => answer.status).sort()).toEqual([303, 401, 401, 401]);
  });

  it("the link page's sign-in spends the code sent with it", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    expect((await postLinkPage({ token })).status).toBe(303);
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(401);
  });

  it("does not spend a sign-in link when the tenant has no redirect_uris, and says the app has no return address", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await postLinkPage({ token });
    expect(page.status).toBe(409);
    expectPageHeaders(page);
    expect(await page.text()).toContain("no return address configured");
    expect((await verifyEmailToken(tenant.api_key, token)).status).toBe(200);
  });

  it("confirms an address with a verification link and says so, opening no session", async () => {
    const tenant = await createTenant();
    const { userId, token } = await unverifiedUserWithLink(tenant, "verify_email");
    const page = await postLinkPage({ token });
    expect(page.status).toBe(200);
    expectPageHeaders(page);
    const html = await page.text();
    expect(html).toContain("Your email address is confirmed");
    expect(html).not.toContain("access_token");
    expect((await deps.accounts.findCredential(userId))?.user.emailVerified).toBe(true);
  });

  it("confirms a verification link even when the tenant turned email_otp off", async () => {
    const tenant = await createTenant({ sign_in_methods: ["password"] });
    const { userId, token } = await unverifiedUserWithLink(tenant, "verify_email");
    expect((await postLinkPage({ token })).status).toBe(200);
    expect((await deps.accounts.findCredential(userId))?.user.emailVerified).toBe(true);
  });

  it("refuses a sign-in link when the tenant turned email_otp off, without spending it", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    await issuerFetch(`/api/admin/tenants/${tenant.tenant_id}`, {
      method: "PATCH",
      headers: { "Content-Type": "application/json", Authorization: `Bearer ${env.ADMIN_TOKEN}` },
      body: JSON.stringify({ settings: { sign_in_methods: ["phone_otp"] } }),
    });
    const page = await postLinkPage({ token });
    expect(page.status).toBe(403);
    expect(await deps.emailTokens.find(await linkTokenHash(token), new Date())).toMatchObject({ purpose: "sign_in" });
  });

  it.each([
    ["an unknown field", { token: "A".repeat(43), next: "https://evil.example" }],
    ["no token", {}],
  ])("refuses a form with %s with a 400 page", async (_label, fields) => {
    const page = await postLinkPage(fields);
    expect(page.status).toBe(400);
    expectPageHeaders(page);
  });

  it("refuses a token given twice with a 400 page, spending nothing", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await issuerFetch("/auth/link", {
      method: "POST",
      headers: { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": freshIp() },
      body: `token=${token}&token=${token}`,
      redirect: "manual",
    });
    expect(page.status).toBe(400);
    expect((await postLinkPage({ token })).status).toBe(303);
  });

  it("sets a new password from a reset link's form: the password works, the link is spent", async () => {
    const tenant = await createTenant();
    const { address, token } = await unverifiedUserWithLink(tenant, "reset_password");
    const password = strongPassword();
    const page = await postLinkPage({ token, password });
    expect(page.status).toBe(200);
    expectPageHeaders(page);
    expect(await page.text()).toContain("Your password has been changed");
    expect((await login(tenant.api_key, address, password)).status).toBe(200);
    expect((await postLinkPage({ token, password: strongPassword() })).status).toBe(401);
  });

  it("refuses a weak password on the reset form and leaves the link usable", async () => {
    const tenant = await createTenant();
    const { token } = await unverifiedUserWithLink(tenant, "reset_password");
    const page = await postLinkPage({ token, password: "password" });
    expect(page.status).toBe(400);
    expect(await page.text()).toContain("Choose another password");
    expect((await postLinkPage({ token })).status).toBe(400);
    expect(await deps.emailTokens.find(await linkTokenHash(token), new Date())).toMatchObject({ purpose: "reset_password" });
    expect((await postLinkPage({ token, password: strongPassword() })).status).toBe(200);
  });

  it("refuses a JSON body with a 415 page", async () => {
    const page = await issuerFetch("/auth/link", { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() }, body: JSON.stringify({ token: "A".repeat(43) }) });
    expect(page.status).toBe(415);
    expectPageHeaders(page);
  });
});
