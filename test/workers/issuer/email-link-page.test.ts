import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { newId } from "../../../shared/crypto/ids";
import { linkTokenHash, newLinkToken } from "../../../shared/crypto/link-token";
import type { EmailTokenPurpose } from "../../../shared/ports/email-token-store";
import { issuerDeps } from "../../../workers/issuer/deps";
import { passwordUser } from "./support/accounts-client";
import { newestEmail, requestedEmail, verifyEmailCode, verifyEmailToken } from "./support/email-client";
import { freshEmail } from "./support/email-sandbox";
import { adminFetch, createTenant, freshIp, ISSUER, issuerFetch, jsonRequest, withBearer, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser, type Page } from "./support/page-browser";
import { storeActiveTotp } from "./support/second-factors";

const deps = issuerDeps(env);
const APP = "https://app.example.com/auth/callback";
const CLIENT_APP = "https://client.example.com/callback";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

function expectPageHeaders(response: Response): void {
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  expect(response.headers.get("Referrer-Policy")).toBe("same-origin");
  expect(response.headers.get("X-Frame-Options")).toBe("DENY");
  expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
}

async function linkIsLive(token: string): Promise<boolean> {
  return (await deps.emailTokens.find(await linkTokenHash(token), new Date())) !== null;
}

/** A link of `purpose` for a new user (unverified), as sign-up and address changes send them; `expiresInMs` below zero: already expired. */
async function storedLinkFor(tenant: TenantCredentials, purpose: EmailTokenPurpose, expiresInMs = 600_000): Promise<{ userId: string; address: string; token: string }> {
  const address = freshEmail();
  const created = await deps.accounts.createWithPassword({ id: newId("usr"), tenantId: tenant.tenant_id, email: address, emailVerified: false, passwordHash: "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHQ$aGFzaGhhc2g", roles: [] });
  if (created.kind !== "created") throw new Error("the test user could not be created");
  const link = await newLinkToken();
  const now = new Date();
  await deps.emailTokens.issue({ tokenHash: link.hash, tenantId: tenant.tenant_id, userId: created.user.id, purpose, email: address, requestId: null, expiresAt: new Date(now.getTime() + expiresInMs) }, now);
  return { userId: created.user.id, address, token: link.token };
}

async function registerClient(tenant: TenantCredentials): Promise<string> {
  const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Web", type: "public", first_party: true, redirect_uris: [CLIENT_APP] }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ client_id: string }>()).client_id;
}

function authorizeQuery(clientId: string): string {
  return new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: CLIENT_APP, scope: "openid email", state: "st-9", nonce: "n-9", code_challenge: CHALLENGE, code_challenge_method: "S256" }).toString();
}

function redirectedTo(page: Page): URL {
  expect(page.response.status, page.html).toBe(303);
  return new URL(page.response.headers.get("Location") ?? "", ISSUER);
}

/** The link page as a browser opens it, then its button pressed. */
async function openAndPress(browser: PageBrowser, token: string, request?: string): Promise<Page> {
  const page = await browser.get(`/auth/link?token=${encodeURIComponent(token)}${request === undefined ? "" : `&request=${encodeURIComponent(request)}`}`);
  expect(page.response.status, page.html).toBe(200);
  return browser.post("/auth/link", formFields(page.html, "sign_in"));
}

describe("GET /auth/link", () => {
  it("shows the tenant's branded page with one button and spends nothing: two GETs, then the POST signs in", async () => {
    const tenant = await createTenant({ redirect_uris: [APP], email_branding: "Acme Mail" });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    let page: Page | null = null;
    for (let look = 0; look < 2; look += 1) {
      page = await browser.get(`/auth/link?token=${token}`);
      expect(page.response.status).toBe(200);
      expect(page.response.headers.get("Content-Type")).toBe("text/html; charset=utf-8");
      expectPageHeaders(page.response);
      expect(page.html).toContain("<title>Sign in to Acme Mail</title>");
      expect(page.html).toContain('<form method="post" action="/auth/link">');
      expect(page.html).toContain(`<input type="hidden" name="token" value="${token}"/>`);
      expect(page.html).not.toMatch(/<script/i);
      expect(await linkIsLive(token)).toBe(true);
    }
    const done = redirectedTo(await browser.post("/auth/link", formFields(page?.html ?? "", "sign_in")));
    expect(`${done.origin}${done.pathname}`).toBe(APP);
    // The tokens travel in the fragment, never the query.
    expect(done.search).toBe("");
    const fragment = new URLSearchParams(done.hash.slice(1));
    expect(fragment.get("token_type")).toBe("Bearer");
    expect(fragment.get("refresh_token")).toEqual(expect.any(String));
    expect((await issuerFetch("/api/auth/me", withBearer(fragment.get("access_token") ?? ""))).status).toBe(200);
    // The browser is signed in too.
    expect([...browser.cookies.keys()]).toContain("portcullis_session");
  });

  it("a link scanner that only GETs (or HEADs) spends neither the link nor the code", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    expect((await new PageBrowser().get(`/auth/link?token=${token}`)).response.status).toBe(200);
    expect((await issuerFetch(`/auth/link?token=${token}`, { method: "HEAD", headers: { "CF-Connecting-IP": freshIp() } })).status).toBe(200);
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(200);
  });

  it("sends a nonce'd CSP whose form-action allows only the issuer and the app the sign-in hands the session to", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await new PageBrowser().get(`/auth/link?token=${token}`);
    const csp = page.response.headers.get("Content-Security-Policy") ?? "";
    expect(csp).toMatch(/^default-src 'none'; style-src 'nonce-[0-9a-z]{26}'; script-src 'nonce-[0-9a-z]{26}'; /);
    expect(csp).toContain("form-action 'self' https://app.example.com;");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain("unsafe-inline");
  });

  it("escapes a hostile tenant branding in the page", async () => {
    const hostile = `<script>alert(1)</script>"><img src=x onerror=alert(2)>`;
    const tenant = await createTenant({ email_branding: hostile, redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const { html } = await new PageBrowser().get(`/auth/link?token=${token}`);
    expect(html).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(html).not.toMatch(/<script/i);
    expect(html).not.toContain("<img src=x");
  });

  it.each([
    ["an unknown token", "A".repeat(43)],
    ["a malformed token", "not a token"],
  ])("shows 'this link has expired', and no form, for %s", async (_label, token) => {
    const page = await new PageBrowser().get(`/auth/link?token=${encodeURIComponent(token)}`);
    expect(page.response.status).toBe(401);
    expectPageHeaders(page.response);
    expect(page.html).toContain("This link has expired");
    expect(page.html).not.toContain("<form");
  });

  it("an expired link shows the expired page and no form", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await storedLinkFor(tenant, "sign_in", -1000);
    const page = await new PageBrowser().get(`/auth/link?token=${token}`);
    expect(page.response.status).toBe(401);
    expect(page.html).not.toContain("<form");
  });

  it("sends verification and reset links mailed before their own pages existed on to those pages, spending nothing", async () => {
    const tenant = await createTenant();
    const verification = await storedLinkFor(tenant, "verify_email");
    expect(redirectedTo(await new PageBrowser().get(`/auth/link?token=${verification.token}`)).toString()).toBe(`${ISSUER}/verify-email?token=${verification.token}`);
    const reset = await storedLinkFor(tenant, "reset_password");
    expect(redirectedTo(await new PageBrowser().get(`/auth/link?token=${reset.token}`)).toString()).toBe(`${ISSUER}/reset-password?token=${reset.token}`);
    expect(await linkIsLive(verification.token)).toBe(true);
    expect(await linkIsLive(reset.token)).toBe(true);
  });

  it("tells a sign-in link's visitor at once when the app has no return address, without a form", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await new PageBrowser().get(`/auth/link?token=${token}`);
    expect(page.response.status).toBe(409);
    expect(page.html).toContain("no return address configured");
    expect(page.html).not.toContain("<form");
  });

  it("refuses an unknown query parameter (an open-redirect attempt) with a 400 page and spends nothing", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await new PageBrowser().get(`/auth/link?token=${token}&next=https://evil.example`);
    expect(page.response.status).toBe(400);
    expect(page.response.headers.get("Location")).toBeNull();
    expect(await linkIsLive(token)).toBe(true);
  });
});

describe("POST /auth/link", () => {
  it("a forged POST without this browser's CSRF token is refused with 403 and spends nothing", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const victim = new PageBrowser();
    const page = await victim.get(`/auth/link?token=${token}`);
    // The attacker's own page's token, posted from a browser without the victim's cookie; then no token at all.
    const stranger = await new PageBrowser().post("/auth/link", formFields(page.html, "sign_in"));
    expect(stranger.response.status).toBe(403);
    expect(stranger.html).toContain("This form has expired or was not sent from this page.");
    const wrong = await victim.post("/auth/link", { ...formFields(page.html, "sign_in"), csrf: "0".repeat(64) });
    expect(wrong.response.status).toBe(403);
    expect(await linkIsLive(token)).toBe(true);
  });

  it("a cross-site POST (Origin of another site) is refused with 403 even with the right token", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const page = await browser.get(`/auth/link?token=${token}`);
    expect((await browser.post("/auth/link", formFields(page.html, "sign_in"), { Origin: "https://evil.example" })).response.status).toBe(403);
    expect(await linkIsLive(token)).toBe(true);
  });

  it("a replayed link: the second POST shows the expired page", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const page = await browser.get(`/auth/link?token=${token}`);
    const fields = formFields(page.html, "sign_in");
    expect((await browser.post("/auth/link", fields)).response.status).toBe(303);
    const again = await browser.post("/auth/link", fields);
    expect(again.response.status).toBe(401);
    expect(again.html).toContain("This link has expired");
  });

  it("two POSTs of one link racing: exactly one session", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const fields = formFields((await browser.get(`/auth/link?token=${token}`)).html, "sign_in");
    const answers = await Promise.all(Array.from({ length: 4 }, () => browser.post("/auth/link", fields)));
    expect(answers.map((answer) => answer.response.status).sort()).toEqual([303, 401, 401, 401]);
  });

  it("an expired link is refused with the expired page", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const live = await storedLinkFor(tenant, "sign_in");
    const browser = new PageBrowser();
    const fields = formFields((await browser.get(`/auth/link?token=${live.token}`)).html, "sign_in");
    const expired = await storedLinkFor(tenant, "sign_in", -1000);
    const page = await browser.post("/auth/link", { ...fields, token: expired.token });
    expect(page.response.status).toBe(401);
    expect(page.html).toContain("This link has expired");
  });

  it("the link page's sign-in spends the code sent with it", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const address = freshEmail();
    const { code, token } = await requestedEmail(tenant, address);
    expect((await openAndPress(new PageBrowser(), token)).response.status).toBe(303);
    expect((await verifyEmailCode(tenant.api_key, address, code)).status).toBe(401);
  });

  it("does not spend a sign-in link when the tenant has no redirect_uris, and says the app has no return address", async () => {
    const tenant = await createTenant();
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const client = await registerClient(tenant);
    // A form made for a request of this tenant, posted without it: nothing to continue and nowhere to return.
    const fields = formFields((await browser.get(`/auth/link?token=${token}&request=${encodeURIComponent(authorizeQuery(client))}`)).html, "sign_in");
    const withoutRequest = Object.fromEntries(Object.entries(fields).filter(([name]) => name !== "request"));
    const page = await browser.post("/auth/link", withoutRequest);
    expect(page.response.status).toBe(409);
    expect(page.html).toContain("no return address configured");
    expect((await verifyEmailToken(tenant.api_key, token)).status).toBe(200);
  });

  it("refuses a sign-in link when the tenant turned email_otp off, without spending it", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const fields = formFields((await browser.get(`/auth/link?token=${token}`)).html, "sign_in");
    await adminFetch(`/api/admin/tenants/${tenant.tenant_id}`, jsonRequest("PATCH", { settings: { sign_in_methods: ["phone_otp"] } }));
    const page = await browser.post("/auth/link", fields);
    expect(page.response.status).toBe(403);
    expect(await linkIsLive(token)).toBe(true);
  });

  it.each([
    ["an unknown field", { next: "https://evil.example" }],
    ["no token", { token: undefined }],
    ["the token given twice", { token: ["A".repeat(43), "B".repeat(43)] }],
  ])("refuses a form with %s with a 400 page, spending nothing", async (_label, change) => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const fields = new URLSearchParams(formFields((await browser.get(`/auth/link?token=${token}`)).html, "sign_in"));
    for (const [name, value] of Object.entries(change)) {
      fields.delete(name);
      for (const one of value === undefined ? [] : Array.isArray(value) ? value : [value]) fields.append(name, one);
    }
    const headers = { "Content-Type": "application/x-www-form-urlencoded", "CF-Connecting-IP": browser.ip, Cookie: [...browser.cookies].map(([name, value]) => `${name}=${value}`).join("; ") };
    const page = await issuerFetch("/auth/link", { method: "POST", headers, body: fields.toString(), redirect: "manual" });
    expect(page.status).toBe(400);
    expectPageHeaders(page);
    expect(await linkIsLive(token)).toBe(true);
  });

  it("refuses a JSON body with a 415 page", async () => {
    const page = await issuerFetch("/auth/link", { method: "POST", headers: { "Content-Type": "application/json", "CF-Connecting-IP": freshIp() }, body: JSON.stringify({ token: "A".repeat(43) }) });
    expect(page.status).toBe(415);
    expectPageHeaders(page);
  });
});

describe("/auth/link continuing an authorization request", () => {
  it("an email sign-in link asked for from /login?request=… carries the request; pressing it sends the code to the client's redirect URI", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant);
    const request = authorizeQuery(clientId);
    const address = freshEmail();
    const browser = new PageBrowser();
    const login = await browser.get(`/login?request=${encodeURIComponent(request)}`);
    expect((await browser.post("/login", { ...formFields(login.html, "email_request"), email: address })).response.status).toBe(200);
    const mail = await newestEmail(address);
    const link = new URL(/https?:\/\/\S+\/auth\/link\?\S+/.exec(mail.text)?.[0] ?? "");
    expect(link.searchParams.get("request")).toBe(request);
    // Opened on the same device the request started from.
    const page = await browser.get(`${link.pathname}${link.search}`);
    expect(page.response.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://client.example.com;");
    const onward = redirectedTo(await browser.post("/auth/link", formFields(page.html, "sign_in")));
    expect(onward.pathname).toBe("/oauth2/authorize");
    const back = redirectedTo(await browser.get(`${onward.pathname}${onward.search}`));
    expect(`${back.origin}${back.pathname}`).toBe(CLIENT_APP);
    expect(back.searchParams.get("code")).toMatch(/^ac_/);
    expect(back.searchParams.get("state")).toBe("st-9");
    expect(back.hash).toBe("");
  });

  it("a link of tenant A carrying tenant B's authorization request does not continue it: no code goes to B's client", async () => {
    const tenant = await createTenant({ redirect_uris: [APP] });
    const other = await createTenant();
    const foreign = authorizeQuery(await registerClient(other));
    const { token } = await requestedEmail(tenant, freshEmail());
    const browser = new PageBrowser();
    const page = await browser.get(`/auth/link?token=${token}&request=${encodeURIComponent(foreign)}`);
    expect(page.html).not.toContain('name="request"');
    expect(page.response.headers.get("Content-Security-Policy")).not.toContain("client.example.com");
    // The request smuggled into the form anyway: ignored, the session goes to tenant A's own app.
    const done = redirectedTo(await browser.post("/auth/link", { ...formFields(page.html, "sign_in"), request: foreign }));
    expect(`${done.origin}${done.pathname}`).toBe(APP);
  });

  it("a tampered request (another redirect URI) is checked again and not continued", async () => {
    const tenant = await createTenant();
    const request = authorizeQuery(await registerClient(tenant)).replace(encodeURIComponent(CLIENT_APP), encodeURIComponent("https://evil.example/callback"));
    const { token } = await requestedEmail(tenant, freshEmail());
    const page = await new PageBrowser().get(`/auth/link?token=${token}&request=${encodeURIComponent(request)}`);
    expect(page.response.status).toBe(409);
    expect(page.html).not.toContain("<form");
    expect(await linkIsLive(token)).toBe(true);
  });

  it("a user who owes a second factor lands in the login page's second-factor step, not at the client", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant);
    const user = await passwordUser(tenant);
    await storeActiveTotp({ tenantId: tenant.tenant_id, userId: user.user_id });
    const { token } = await requestedEmail(tenant, user.email);
    const browser = new PageBrowser();
    const step = await openAndPress(browser, token, authorizeQuery(clientId));
    expect(step.response.status).toBe(200);
    const fields = formFields(step.html, "second_factor");
    expect(fields.mfa_token).toEqual(expect.any(String));
    expect(fields.request).toBe(authorizeQuery(clientId));
    expect(browser.cookies.has("portcullis_session")).toBe(false);
  });
});
