import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { authorizationCodes, sessions } from "../../../drizzle/schema";
import { issuerDeps } from "../../../workers/issuer/deps";
import { authorizationCodeHash } from "../../../workers/issuer/services/oauth/authorization-codes";
import { currentBrowserSession } from "../../../workers/issuer/services/browser-session";
import { signIdToken } from "../../../workers/issuer/services/oauth/id-token";
import type { SigningAlgorithm } from "../../../shared/ports/signing-key-store";
import { generateKeyPair, SignJWT } from "jose";
import { passwordUser } from "./support/accounts-client";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, ISSUER, jsonRequest, type TenantCredentials } from "./support/issuer-client";
import { formFields, PageBrowser } from "./support/page-browser";

const deps = issuerDeps(env);
const APP = "https://app.example.com/callback";
const CHALLENGE = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

async function registerClient(tenant: TenantCredentials, body: Record<string, unknown> = {}): Promise<string> {
  const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "App", type: "public", first_party: true, redirect_uris: [APP], post_logout_redirect_uris: ["https://app.example.com/bye"], ...body }));
  expect(response.status, await response.clone().text()).toBe(201);
  return (await response.json<{ client_id: string }>()).client_id;
}

function authorizeUrl(clientId: string, extra: Record<string, string> = {}): string {
  const query = new URLSearchParams({ response_type: "code", client_id: clientId, redirect_uri: APP, scope: "openid email", state: "st-1", nonce: "n-1", code_challenge: CHALLENGE, code_challenge_method: "S256", ...extra });
  return `/oauth2/authorize?${query.toString()}`;
}

function redirectedTo(response: Response): URL {
  expect(response.status).toBe(303);
  return new URL(response.headers.get("Location") ?? "", ISSUER);
}

/** authorize → the login page → password → back to authorize → the code at the app. */
async function signInThroughAuthorize(browser: PageBrowser, clientId: string, email: string, password: string): Promise<URL> {
  const toLogin = redirectedTo((await browser.get(authorizeUrl(clientId))).response);
  expect(toLogin.pathname).toBe("/login");
  const page = await browser.get(`${toLogin.pathname}${toLogin.search}`);
  expect(page.response.status, page.html).toBe(200);
  expect(page.response.headers.get("Content-Security-Policy")).toContain("form-action 'self' https://app.example.com;");
  const back = redirectedTo((await browser.post("/login", { ...formFields(page.html, "password"), email, password })).response);
  expect(back.pathname).toBe("/oauth2/authorize");
  return redirectedTo((await browser.get(`${back.pathname}${back.search}`)).response);
}

describe("GET /oauth2/authorize", () => {
  it("signs in through the hosted page and answers the code with state and iss at the exact redirect URI", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant);
    const answer = await signInThroughAuthorize(new PageBrowser(), clientId, user.email, user.password);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(answer.searchParams.get("state")).toBe("st-1");
    expect(answer.searchParams.get("iss")).toBe(env.ISSUER_URL);
    const code = answer.searchParams.get("code") ?? "";
    const [row] = await testDb.select().from(authorizationCodes).where(eq(authorizationCodes.codeHash, await authorizationCodeHash(code)));
    expect(row).toMatchObject({ clientId, userId: user.user_id, redirectUri: APP, codeChallenge: CHALLENGE, nonce: "n-1", scope: "openid email" });
  });

  it("single sign-on: a second authorize with the cookie answers a code at once, with no form", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const first = await registerClient(tenant);
    const second = await registerClient(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, first, user.email, user.password);
    const answer = redirectedTo((await browser.get(authorizeUrl(second))).response);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(answer.searchParams.get("code")).toMatch(/^ac_/);
  });

  it("prompt=none without a sign-in answers login_required at the redirect URI", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant);
    const answer = redirectedTo((await new PageBrowser().get(authorizeUrl(clientId, { prompt: "none" }))).response);
    expect(`${answer.origin}${answer.pathname}`).toBe(APP);
    expect(Object.fromEntries(answer.searchParams)).toMatchObject({ error: "login_required", state: "st-1", iss: env.ISSUER_URL });
  });

  it("prompt=login and an exceeded max_age send a signed-in browser back to the form", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, clientId, user.email, user.password);
    expect(redirectedTo((await browser.get(authorizeUrl(clientId, { prompt: "login" }))).response).pathname).toBe("/login");
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect(redirectedTo((await browser.get(authorizeUrl(clientId, { max_age: "0" }))).response).pathname).toBe("/login");
  });

  it("refuses a request without PKCE, or with plain PKCE, at the redirect URI with invalid_request", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant);
    const attempts: Record<string, string>[] = [{ code_challenge: "" }, { code_challenge_method: "plain" }];
    for (const extra of attempts) {
      const answer = redirectedTo((await new PageBrowser().get(authorizeUrl(clientId, extra))).response);
      expect(answer.searchParams.get("error")).toBe("invalid_request");
    }
    expect(redirectedTo((await new PageBrowser().get(authorizeUrl(clientId, { response_type: "token" }))).response).searchParams.get("error")).toBe("unsupported_response_type");
  });

  it("an unknown client gets the 400 page, never a redirect", async () => {
    const response = (await new PageBrowser().get(authorizeUrl("cli_unknown"))).response;
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
  });

  it("a client_id carrying a NUL byte gets the 400 page, not a database error", async () => {
    const response = (await new PageBrowser().get(authorizeUrl("cli_\u0000x"))).response;
    expect(response.status).toBe(400);
    const logout = (await new PageBrowser().get(`/oauth2/logout?client_id=%00&post_logout_redirect_uri=https://app.example.com/bye`)).response;
    expect(logout.status).toBe(400);
  });

  it("open-redirect attempts are always refused with the 400 page", async () => {
    const tenant = await createTenant();
    const clientId = await registerClient(tenant);
    const attempts = [
      "https://evil.example/callback",
      "https://app.example.com@evil.example/callback",
      "https://app.example.com/callback@evil.example",
      "https://app.example.com\\@evil.example/callback",
      "https:\\\\evil.example/callback",
      "https://app.example.com%2F@evil.example/callback",
      "https://app.example.com%252F%252F@evil.example",
      `${APP}/../../evil`,
      `${APP}x`,
      `${APP}?next=https://evil.example`,
      `${APP}#https://evil.example`,
      "https://APP.example.com/callback",
      "//evil.example/callback",
      "",
    ];
    for (const redirectUri of attempts) {
      const response = (await new PageBrowser().get(authorizeUrl(clientId, { redirect_uri: redirectUri }))).response;
      expect(response.status, redirectUri).toBe(400);
      expect(response.headers.get("Location"), redirectUri).toBeNull();
    }
  });

  it("a cookie from another tenant's sign-in gives no code for this tenant's client", async () => {
    const tenant = await createTenant();
    const other = await createTenant();
    const user = await passwordUser(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, await registerClient(tenant), user.email, user.password);
    const answer = redirectedTo((await browser.get(authorizeUrl(await registerClient(other), { prompt: "none" }))).response);
    expect(answer.searchParams.get("error")).toBe("login_required");
  });
});

describe("GET /oauth2/logout", () => {
  it("ends the browser session, revokes its sessions and returns to the registered URI with state", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, clientId, user.email, user.password);
    const cookie = browser.cookies.get("portcullis_session");
    const live = await currentBrowserSession(deps, cookie, new Date());
    expect(live).not.toBeNull();
    const answer = redirectedTo((await browser.get(`/oauth2/logout?client_id=${clientId}&post_logout_redirect_uri=${encodeURIComponent("https://app.example.com/bye")}&state=s2`)).response);
    expect(answer.toString()).toBe("https://app.example.com/bye?state=s2");
    expect(await currentBrowserSession(deps, cookie, new Date())).toBeNull();
    const opened = await testDb.select().from(sessions).where(eq(sessions.browserSessionId, live?.idHash ?? ""));
    expect(opened.length).toBeGreaterThan(0);
    expect(opened.every((session) => session.revokedAt !== null)).toBe(true);
    expect(browser.cookies.has("portcullis_session")).toBe(false);
  });

  it("refuses an unregistered post_logout_redirect_uri with the 400 page and signs nobody out", async () => {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, clientId, user.email, user.password);
    const response = (await browser.get(`/oauth2/logout?client_id=${clientId}&post_logout_redirect_uri=${encodeURIComponent("https://evil.example/")}`)).response;
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await currentBrowserSession(deps, browser.cookies.get("portcullis_session"), new Date())).not.toBeNull();
  });

  /** An id_token as the token endpoint signs it, with the issuer's real key of `alg`. */
  async function idTokenHint(options: { clientId: string; userId: string; alg: SigningAlgorithm; issuedAt?: Date; issuer?: string }): Promise<string> {
    const user = await deps.users.find(options.userId);
    if (!user) throw new Error("no such user");
    const now = options.issuedAt ?? new Date();
    return signIdToken({
      issuer: options.issuer ?? env.ISSUER_URL,
      clientId: options.clientId,
      user,
      sessionId: "ses_00000000000000000000000000",
      nonce: null,
      scopes: new Set(["openid"]),
      authTime: now,
      amr: ["pwd"],
      accessToken: "unused",
      ttlSeconds: 900,
      now,
      alg: options.alg,
      signer: await deps.signingKeys.currentSigner({ alg: options.alg }),
    });
  }

  async function signedInBrowser() {
    const tenant = await createTenant();
    const user = await passwordUser(tenant);
    const clientId = await registerClient(tenant);
    const browser = new PageBrowser();
    await signInThroughAuthorize(browser, clientId, user.email, user.password);
    return { tenant, user, clientId, browser, signedIn: async () => (await currentBrowserSession(deps, browser.cookies.get("portcullis_session"), new Date())) !== null };
  }

  function logoutWithHint(hint: string, extra: Record<string, string> = {}): string {
    return `/oauth2/logout?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: "https://app.example.com/bye", state: "s3", ...extra }).toString()}`;
  }

  it.each(["RS256", "ES256"] as const)("accepts our own %s id_token_hint in place of client_id, expired too (RP-Initiated Logout §2)", async (alg) => {
    const { user, clientId, browser, signedIn } = await signedInBrowser();
    const hint = await idTokenHint({ clientId, userId: user.user_id, alg, issuedAt: new Date(Date.now() - 2 * 3600_000) });
    const answer = redirectedTo((await browser.get(logoutWithHint(hint))).response);
    expect(answer.toString()).toBe("https://app.example.com/bye?state=s3");
    expect(await signedIn()).toBe(false);
  });

  it("refuses a forged hint naming another client's registered post-logout URI with the 400 page and signs nobody out (forged hint)", async () => {
    const { tenant, user, browser, signedIn } = await signedInBrowser();
    const other = await registerClient(tenant, { post_logout_redirect_uris: ["https://other.example.com/bye"] });
    const ours = await deps.signingKeys.currentSigner({ alg: "RS256" });
    const attacker = await generateKeyPair("RS256");
    // Our kid and header, the attacker's key: what a forger who read our JWKS can make.
    const forged = await new SignJWT({ sub: user.user_id })
      .setProtectedHeader({ alg: "RS256", kid: ours.kid, typ: "JWT" })
      .setIssuer(env.ISSUER_URL)
      .setAudience(other)
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(attacker.privateKey);
    const response = (await browser.get(logoutWithHint(forged, { post_logout_redirect_uri: "https://other.example.com/bye" }))).response;
    expect(response.status).toBe(400);
    expect(response.headers.get("Location")).toBeNull();
    expect(await signedIn()).toBe(true);
  });

  it("refuses a hint signed with our key for another issuer, an access token as hint, and a hint for another client than client_id (foreign or confused hint)", async () => {
    const { tenant, user, clientId, browser, signedIn } = await signedInBrowser();
    const other = await registerClient(tenant);
    const foreignIssuer = await idTokenHint({ clientId, userId: user.user_id, alg: "RS256", issuer: "https://idp.evil.example" });
    const otherClients = await idTokenHint({ clientId: other, userId: user.user_id, alg: "RS256" });
    for (const [label, url] of [
      ["foreign issuer", logoutWithHint(foreignIssuer)],
      ["access token", logoutWithHint(user.token)],
      ["another client's hint", logoutWithHint(otherClients, { client_id: clientId })],
      ["garbage", logoutWithHint("not.a.jwt")],
    ] as const) {
      const response = (await browser.get(url)).response;
      expect(response.status, label).toBe(400);
      expect(response.headers.get("Location"), label).toBeNull();
    }
    expect(await signedIn()).toBe(true);
  });
});
