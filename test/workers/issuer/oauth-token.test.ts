import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { decodeProtectedHeader, importJWK, jwtVerify, type JWTPayload } from "jose";
import { describe, expect, it } from "vitest";
import { authorizationCodes, sessions } from "../../../drizzle/schema";
import { neonAuthorizationCodeStore } from "../../../shared/adapters/neon/authorization-code-store";
import { encodeBase64Url } from "../../../shared/crypto/base64url";
import { sha256Hex } from "../../../shared/crypto/hashing";
import type { AmrValue } from "../../../shared/domain/authentication-methods";
import { issueAuthorizationCode } from "../../../workers/issuer/services/oauth/authorization-codes";
import { testDb } from "./support/account-rows";
import { adminFetch, createTenant, decodeJwtPart, issuerFetch, jsonRequest, signIn, withBearer, type TenantCredentials } from "./support/issuer-client";

const REDIRECT = "https://app.example/callback";
const codes = { authorizationCodes: neonAuthorizationCodeStore(testDb) };

interface Client {
  client_id: string;
  client_secret?: string;
}

interface Fixture {
  tenant: TenantCredentials;
  client: Client;
  userId: string;
}

async function fixture(clientBody: Record<string, unknown> = {}): Promise<Fixture> {
  const tenant = await createTenant();
  const response = await adminFetch(`/api/admin/tenants/${tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Web", type: "confidential", redirect_uris: [REDIRECT], ...clientBody }));
  expect(response.status).toBe(201);
  const user = await signIn(tenant);
  return { tenant, client: await response.json<Client>(), userId: user.user_id };
}

function newVerifier(): string {
  return encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
}

async function challengeOf(verifier: string): Promise<string> {
  return encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
}

async function codeFor(f: Fixture, options: { scope?: string; nonce?: string | null; verifier?: string; amr?: AmrValue[]; clientId?: string } = {}): Promise<{ code: string; verifier: string }> {
  const verifier = options.verifier ?? newVerifier();
  const code = await issueAuthorizationCode(
    codes,
    {
      tenantId: f.tenant.tenant_id,
      clientId: options.clientId ?? f.client.client_id,
      userId: f.userId,
      browserSessionId: null,
      redirectUri: REDIRECT,
      codeChallenge: await challengeOf(verifier),
      nonce: options.nonce === undefined ? "nonce-1" : options.nonce,
      scope: options.scope ?? "openid email phone",
      authTime: new Date(Date.now() - 5000),
      amr: options.amr ?? ["sms"],
    },
    new Date(),
  );
  return { code, verifier };
}

function basic(id: string, secret: string): string {
  return `Basic ${btoa(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`)}`;
}

function tokenRequest(fields: Record<string, string>, headers: Record<string, string> = {}): Promise<Response> {
  return issuerFetch("/oauth2/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...headers }, body: new URLSearchParams(fields).toString() });
}

function redeem(f: Fixture, code: string, verifier: string, extra: Record<string, string> = {}): Promise<Response> {
  return tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, ...extra }, { Authorization: basic(f.client.client_id, f.client.client_secret ?? "") });
}

async function expectOAuthError(response: Response, status: number, error: string): Promise<void> {
  const text = await response.text();
  expect(response.status, text).toBe(status);
  expect(response.headers.get("Cache-Control")).toBe("no-store");
  const body = JSON.parse(text) as { error: string; error_description: string };
  expect(body).toEqual({ error, error_description: expect.any(String) });
}


async function verifyIdToken(idToken: string): Promise<JWTPayload> {
  const body = await (await issuerFetch("/.well-known/jwks.json")).json<{ keys: (JsonWebKey & { kid: string; alg: string })[] }>();
  const { kid, alg } = decodeProtectedHeader(idToken);
  const jwk = body.keys.find((key) => key.kid === kid);
  if (!jwk || jwk.alg !== alg) throw new Error("the id_token's key is not published under its algorithm");
  const { payload } = await jwtVerify(idToken, await importJWK(jwk, alg), { issuer: env.ISSUER_URL, algorithms: [alg ?? ""] });
  return payload;
}

describe("POST /oauth2/token: authorization_code", () => {
  it("answers tokens for a code with its verifier: an ES256 access token, an RS256 id_token with the OIDC claims, no refresh token without offline_access", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    const response = await redeem(f, code, verifier);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<Record<string, unknown>>();
    expect(Object.keys(body).sort()).toEqual(["access_token", "expires_in", "id_token", "scope", "token_type"]);
    expect(body).toMatchObject({ token_type: "Bearer", scope: "openid email phone" });
    expect(decodeJwtPart(String(body.access_token), 0)).toMatchObject({ alg: "ES256", typ: "at+jwt" });
    expect(decodeProtectedHeader(String(body.id_token)).alg).toBe("RS256");
    const claims = await verifyIdToken(String(body.id_token));
    const access = decodeJwtPart(String(body.access_token), 1);
    expect(claims).toMatchObject({ iss: env.ISSUER_URL, sub: f.userId, aud: f.client.client_id, nonce: "nonce-1", amr: ["sms"], sid: access.sid, phone_number: expect.stringMatching(/^\+/), phone_number_verified: true });
    expect(claims.auth_time).toEqual(expect.any(Number));
    expect(claims.at_hash).toEqual(expect.any(String));
    // The gate's token works at the issuer's own endpoints unchanged.
    expect((await issuerFetch("/api/auth/me", withBearer(String(body.access_token)))).status).toBe(200);
    const [session] = await testDb.select().from(sessions).where(eq(sessions.id, String(access.sid)));
    expect(session?.clientId).toBe(f.client.client_id);
  });

  it("adds a refresh token with offline_access, and signs the id_token with ES256 for a client registered so", async () => {
    const f = await fixture({ id_token_signed_response_alg: "ES256" });
    const { code, verifier } = await codeFor(f, { scope: "openid offline_access" });
    const body = await (await redeem(f, code, verifier)).json<Record<string, unknown>>();
    expect(body.refresh_token).toEqual(expect.stringMatching(/^rt_/));
    expect(decodeProtectedHeader(String(body.id_token)).alg).toBe("ES256");
    expect(await verifyIdToken(String(body.id_token))).toMatchObject({ aud: f.client.client_id });
  });

  it("accepts client_secret_post and a public client with none", async () => {
    const f = await fixture();
    const first = await codeFor(f);
    const post = await tokenRequest({ grant_type: "authorization_code", code: first.code, redirect_uri: REDIRECT, code_verifier: first.verifier, client_id: f.client.client_id, client_secret: f.client.client_secret ?? "" });
    expect(post.status).toBe(200);
    const spa = await fixture({ type: "public" });
    const second = await codeFor(spa);
    const none = await tokenRequest({ grant_type: "authorization_code", code: second.code, redirect_uri: REDIRECT, code_verifier: second.verifier, client_id: spa.client.client_id });
    expect(none.status, await none.clone().text()).toBe(200);
  });

  it("refuses a replayed code and revokes the session the first use opened (code replay)", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    const first = await (await redeem(f, code, verifier)).json<{ access_token: string }>();
    await expectOAuthError(await redeem(f, code, verifier), 400, "invalid_grant");
    const sid = String(decodeJwtPart(first.access_token, 1).sid);
    const [session] = await testDb.select().from(sessions).where(eq(sessions.id, sid));
    expect(session?.revokedAt).not.toBeNull();
    expect((await issuerFetch("/api/auth/me", withBearer(first.access_token))).status).toBe(401);
    const introspected = await issuerFetch("/api/auth/introspect", withBearer(f.tenant.secret_key, jsonRequest("POST", { token: first.access_token })));
    expect(await introspected.json()).toEqual({ active: false });
  });

  it("refuses a wrong redirect URI, and the code is spent (redirect substitution)", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    await expectOAuthError(await redeem(f, code, verifier, { redirect_uri: "https://app.example/callback/" }), 400, "invalid_grant");
    await expectOAuthError(await redeem(f, code, verifier), 400, "invalid_grant");
  });

  it.each([
    ["a missing verifier", null, "invalid_request"],
    ["another verifier (stolen code without its verifier)", newVerifier(), "invalid_grant"],
    ["the challenge itself as verifier (plain downgrade)", "challenge", "invalid_grant"],
    ["a verifier shorter than 43 characters", "a".repeat(42), "invalid_grant"],
  ])("refuses %s", async (_label, verifier, error) => {
    const f = await fixture();
    const issued = await codeFor(f);
    const presented = verifier === "challenge" ? await challengeOf(issued.verifier) : verifier;
    const fields: Record<string, string> = { grant_type: "authorization_code", code: issued.code, redirect_uri: REDIRECT, ...(presented === null ? {} : { code_verifier: presented }) };
    await expectOAuthError(await tokenRequest(fields, { Authorization: basic(f.client.client_id, f.client.client_secret ?? "") }), 400, error);
  });

  it("refuses an expired code (code kept past its 60 s)", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    await testDb.update(authorizationCodes).set({ expiresAt: new Date(Date.now() - 1000) }).where(eq(authorizationCodes.codeHash, await sha256Hex(code)));
    await expectOAuthError(await redeem(f, code, verifier), 400, "invalid_grant");
  });

  it("refuses a code issued to another client of the same tenant (code injection)", async () => {
    const f = await fixture();
    const other = await adminFetch(`/api/admin/tenants/${f.tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Other", type: "confidential", redirect_uris: [REDIRECT] }));
    const otherClient = await other.json<Client>();
    const { code, verifier } = await codeFor(f);
    await expectOAuthError(await redeem({ ...f, client: otherClient }, code, verifier), 400, "invalid_grant");
  });

  it("refuses a code presented by a foreign tenant's client (cross-tenant code)", async () => {
    const f = await fixture();
    const foreign = await fixture();
    const { code, verifier } = await codeFor(f);
    await expectOAuthError(await redeem(foreign, code, verifier), 400, "invalid_grant");
  });

  it("refuses a wrong client secret with 401 and a Basic challenge, and spends nothing", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    const response = await redeem({ ...f, client: { ...f.client, client_secret: `${f.client.client_secret ?? ""}x` } }, code, verifier);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/^Basic realm="portcullis"/);
    await expectOAuthError(response, 401, "invalid_client");
    expect((await redeem(f, code, verifier)).status).toBe(200);
  });

  it("refuses a wrong client secret sent in the form (client_secret_post) with 401 and no Basic challenge, and spends nothing", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    const response = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: f.client.client_id, client_secret: `${f.client.client_secret ?? ""}x` });
    expect(response.headers.get("WWW-Authenticate")).toBeNull();
    await expectOAuthError(response, 401, "invalid_client");
    expect((await redeem(f, code, verifier)).status).toBe(200);
  });

  it("decodes client_secret_basic credentials form-URL-encoded before Base64 (RFC 6749 §2.3.1)", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    // Every character of the id percent-encoded: accepted only if the server decodes it.
    const encodedId = Array.from(new TextEncoder().encode(f.client.client_id), (byte) => `%${byte.toString(16).toUpperCase().padStart(2, "0")}`).join("");
    const response = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier }, { Authorization: `Basic ${btoa(`${encodedId}:${f.client.client_secret ?? ""}`)}` });
    expect(response.status, await response.clone().text()).toBe(200);
  });

  it("refuses a confidential client that does not authenticate, and a public client claiming a secret", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    const unauthenticated = await tokenRequest({ grant_type: "authorization_code", code, redirect_uri: REDIRECT, code_verifier: verifier, client_id: f.client.client_id });
    expect(unauthenticated.headers.get("WWW-Authenticate")).toBeNull();
    await expectOAuthError(unauthenticated, 401, "invalid_client");
    const spa = await fixture({ type: "public" });
    const issued = await codeFor(spa);
    await expectOAuthError(await tokenRequest({ grant_type: "authorization_code", code: issued.code, redirect_uri: REDIRECT, code_verifier: issued.verifier, client_id: spa.client.client_id, client_secret: "guess" }), 401, "invalid_client");
  });

  it("refuses two client authentication methods at once", async () => {
    const f = await fixture();
    const { code, verifier } = await codeFor(f);
    await expectOAuthError(await redeem(f, code, verifier, { client_secret: f.client.client_secret ?? "" }), 400, "invalid_request");
  });

  it("refuses a repeated parameter, a missing grant_type, an unknown grant_type and a JSON body", async () => {
    const f = await fixture();
    const auth = { Authorization: basic(f.client.client_id, f.client.client_secret ?? "") };
    const repeated = await issuerFetch("/oauth2/token", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", ...auth }, body: "grant_type=authorization_code&code=a&code=b" });
    await expectOAuthError(repeated, 400, "invalid_request");
    await expectOAuthError(await tokenRequest({}, auth), 400, "invalid_request");
    await expectOAuthError(await tokenRequest({ grant_type: "password", username: "u", password: "p" }, auth), 400, "unsupported_grant_type");
    await expectOAuthError(await issuerFetch("/oauth2/token", { ...jsonRequest("POST", { grant_type: "authorization_code" }), headers: { "Content-Type": "application/json", ...auth } }), 400, "invalid_request");
  });

  it("answers 405 to a GET", async () => {
    expect((await issuerFetch("/oauth2/token")).status).toBe(405);
  });
});

describe("POST /oauth2/token: refresh_token", () => {
  async function offlineTokens(f: Fixture): Promise<{ access_token: string; refresh_token: string }> {
    const { code, verifier } = await codeFor(f, { scope: "openid offline_access" });
    const response = await redeem(f, code, verifier);
    expect(response.status).toBe(200);
    return response.json<{ access_token: string; refresh_token: string }>();
  }

  function refreshAs(f: Fixture, refreshToken: string): Promise<Response> {
    return tokenRequest({ grant_type: "refresh_token", refresh_token: refreshToken }, { Authorization: basic(f.client.client_id, f.client.client_secret ?? "") });
  }

  it("rotates the refresh token and keeps the session's sign-in (auth_time, amr)", async () => {
    const f = await fixture();
    const first = await offlineTokens(f);
    const response = await refreshAs(f, first.refresh_token);
    expect(response.status, await response.clone().text()).toBe(200);
    expect(response.headers.get("Cache-Control")).toBe("no-store");
    const body = await response.json<{ access_token: string; refresh_token: string; token_type: string }>();
    expect(body.token_type).toBe("Bearer");
    expect(body.refresh_token).not.toBe(first.refresh_token);
    const before = decodeJwtPart(first.access_token, 1);
    const after = decodeJwtPart(body.access_token, 1);
    expect(after).toMatchObject({ sid: before.sid, auth_time: before.auth_time, amr: before.amr });
  });

  it("refuses a refresh token presented by another client of the tenant, and ends its session (stolen refresh token)", async () => {
    const f = await fixture();
    const tokens = await offlineTokens(f);
    const other = await adminFetch(`/api/admin/tenants/${f.tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Other", type: "confidential", redirect_uris: [REDIRECT] }));
    const thief = { ...f, client: await other.json<Client>() };
    await expectOAuthError(await refreshAs(thief, tokens.refresh_token), 400, "invalid_grant");
    const [session] = await testDb.select().from(sessions).where(eq(sessions.id, String(decodeJwtPart(tokens.access_token, 1).sid)));
    expect(session?.revokedAt).not.toBeNull();
  });

  it("refuses a refresh token of the JSON sign-in routes at the OAuth token endpoint (session not issued to a client)", async () => {
    const f = await fixture();
    const direct = await signIn(f.tenant);
    await expectOAuthError(await refreshAs(f, direct.refresh_token), 400, "invalid_grant");
  });

  it("refuses an unknown refresh token and a missing one", async () => {
    const f = await fixture();
    await expectOAuthError(await refreshAs(f, "rt_unknown"), 400, "invalid_grant");
    await expectOAuthError(await tokenRequest({ grant_type: "refresh_token" }, { Authorization: basic(f.client.client_id, f.client.client_secret ?? "") }), 400, "invalid_request");
  });
});

describe("POST /oauth2/revoke", () => {
  async function offlineTokens(f: Fixture): Promise<{ access_token: string; refresh_token: string }> {
    const { code, verifier } = await codeFor(f, { scope: "openid offline_access" });
    return (await redeem(f, code, verifier)).json<{ access_token: string; refresh_token: string }>();
  }

  function revoke(f: Fixture, fields: Record<string, string>): Promise<Response> {
    return issuerFetch("/oauth2/revoke", { method: "POST", headers: { "Content-Type": "application/x-www-form-urlencoded", Authorization: basic(f.client.client_id, f.client.client_secret ?? "") }, body: new URLSearchParams(fields).toString() });
  }

  async function sessionRevoked(accessToken: string): Promise<boolean> {
    const [session] = await testDb.select().from(sessions).where(eq(sessions.id, String(decodeJwtPart(accessToken, 1).sid)));
    return session?.revokedAt !== null && session?.revokedAt !== undefined;
  }

  it("revokes the session of a refresh token: the refresh token and the access token stop working", async () => {
    const f = await fixture();
    const tokens = await offlineTokens(f);
    const response = await revoke(f, { token: tokens.refresh_token, token_type_hint: "refresh_token" });
    expect(response.status).toBe(200);
    expect(await sessionRevoked(tokens.access_token)).toBe(true);
    expect((await issuerFetch("/api/auth/me", withBearer(tokens.access_token))).status).toBe(401);
  });

  it("revokes the session of an access token", async () => {
    const f = await fixture();
    const tokens = await offlineTokens(f);
    expect((await revoke(f, { token: tokens.access_token })).status).toBe(200);
    expect(await sessionRevoked(tokens.access_token)).toBe(true);
  });

  it("answers 200 for an unknown token and changes nothing", async () => {
    const f = await fixture();
    const tokens = await offlineTokens(f);
    expect((await revoke(f, { token: "rt_unknown" })).status).toBe(200);
    expect(await sessionRevoked(tokens.access_token)).toBe(false);
  });

  it("leaves another client's token alone (cross-client revocation)", async () => {
    const f = await fixture();
    const tokens = await offlineTokens(f);
    const other = await adminFetch(`/api/admin/tenants/${f.tenant.tenant_id}/clients`, jsonRequest("POST", { name: "Other", type: "confidential", redirect_uris: [REDIRECT] }));
    const stranger = { ...f, client: await other.json<Client>() };
    expect((await revoke(stranger, { token: tokens.refresh_token })).status).toBe(200);
    expect((await revoke(stranger, { token: tokens.access_token })).status).toBe(200);
    expect(await sessionRevoked(tokens.access_token)).toBe(false);
  });

  it("needs client authentication and a token", async () => {
    const f = await fixture();
    await expectOAuthError(await revoke({ ...f, client: { ...f.client, client_secret: "wrong" } }, { token: "x" }), 401, "invalid_client");
    await expectOAuthError(await revoke(f, {}), 400, "invalid_request");
  });
});

describe("GET|POST /oauth2/userinfo", () => {
  it("answers the user's claims released by the granted scopes, and only those", async () => {
    const f = await fixture();
    const phoneOnly = await codeFor(f, { scope: "openid phone" });
    const tokens = await (await redeem(f, phoneOnly.code, phoneOnly.verifier)).json<{ access_token: string }>();
    for (const method of ["GET", "POST"]) {
      const response = await issuerFetch("/oauth2/userinfo", withBearer(tokens.access_token, { method }));
      expect(response.status).toBe(200);
      expect(response.headers.get("Cache-Control")).toBe("no-store");
      const body = await response.json<Record<string, unknown>>();
      expect(body).toEqual({ sub: f.userId, phone_number: expect.stringMatching(/^\+/), phone_number_verified: true });
    }
    const bare = await codeFor(f, { scope: "openid" });
    const bareTokens = await (await redeem(f, bare.code, bare.verifier)).json<{ access_token: string }>();
    expect(await (await issuerFetch("/oauth2/userinfo", withBearer(bareTokens.access_token))).json()).toEqual({ sub: f.userId });
  });

  it("refuses a token of the JSON sign-in routes with 403 insufficient_scope (no granted scopes)", async () => {
    const f = await fixture();
    const direct = await signIn(f.tenant);
    const response = await issuerFetch("/oauth2/userinfo", withBearer(direct.token));
    expect(response.status).toBe(403);
    expect(response.headers.get("WWW-Authenticate")).toMatch(/error="insufficient_scope"/);
  });

  it("refuses a token granted without openid with 403 insufficient_scope", async () => {
    const f = await fixture();
    const issued = await codeFor(f, { scope: "email" });
    const tokens = await (await redeem(f, issued.code, issued.verifier)).json<{ access_token: string }>();
    expect((await issuerFetch("/oauth2/userinfo", withBearer(tokens.access_token))).status).toBe(403);
  });

  it("refuses a missing, forged or revoked token with 401 and a Bearer challenge", async () => {
    const f = await fixture();
    const missing = await issuerFetch("/oauth2/userinfo");
    expect(missing.status).toBe(401);
    expect(missing.headers.get("WWW-Authenticate")).toMatch(/^Bearer realm="portcullis"/);
    const forged = await issuerFetch("/oauth2/userinfo", withBearer("a.b.c"));
    expect(forged.status).toBe(401);
    expect(forged.headers.get("WWW-Authenticate")).toMatch(/error="invalid_token"/);
    const issued = await codeFor(f);
    const tokens = await (await redeem(f, issued.code, issued.verifier)).json<{ access_token: string }>();
    await redeem(f, issued.code, issued.verifier);
    expect((await issuerFetch("/oauth2/userinfo", withBearer(tokens.access_token))).status).toBe(401);
  });
});
