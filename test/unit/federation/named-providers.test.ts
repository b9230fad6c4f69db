import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeProtectedHeader, exportPKCS8, generateKeyPair, jwtVerify, type JWTPayload } from "jose";
import { sealSecret } from "../../../shared/crypto/key-encryption";
import type { ConnectionRecord } from "../../../shared/ports/connection-store";
import { authorizationUrl, completeSignIn, type CallbackInput } from "../../../workers/issuer/services/federation/upstream";
import { CLIENT_SECRET, connection, federationDeps, freshBase, json, KEY_ENCRYPTION_SECRET, openIdStandIn, route, signIdToken, signingKey, startStandIn, stopStandIn, type Reply, type SeenRequest, type TestClock } from "./provider-stand-in";

const NONCE = "nonce-sent-at-the-start";
const clock: TestClock = { now: new Date("2026-06-01T10:00:00Z") };
const seconds = (): number => Math.floor(clock.now.getTime() / 1000);
const callback = (extra: Partial<CallbackInput> = {}): CallbackInput => ({ code: "the-code", redirectUri: "https://auth.example/oauth2/callback/con_x", codeVerifier: "the-verifier", nonce: NONCE, issParameter: null, appleUser: null, ...extra });
const tokenClaims = (iss: string, extra: JWTPayload = {}): JWTPayload => ({ iss, sub: "pairwise-sub", aud: "portcullis-client", iat: seconds(), exp: seconds() + 300, nonce: NONCE, ...extra });

beforeAll(startStandIn);
afterAll(stopStandIn);

describe("GitHub", () => {
  async function githubStandIn(emails: unknown) {
    const { base, path } = freshBase();
    const requests: SeenRequest[] = [];
    route(`${path}/login/oauth/access_token`, (request) => {
      requests.push(request);
      return json({ access_token: "gho_token", token_type: "bearer", scope: "read:user,user:email" });
    });
    route(`${path}/api/user`, (request) => {
      requests.push(request);
      return json({ id: 583231, login: "octocat", name: "The Octocat" });
    });
    route(`${path}/api/user/emails`, (request) => {
      requests.push(request);
      return json(emails);
    });
    const deps = federationDeps(clock, { githubBase: base, githubApi: `${base}/api` });
    const github = await connection({ provider: "github", scopes: ["read:user", "user:email"] });
    return { base, requests, deps, github };
  }

  it("signs in with the numeric id as subject and the verified primary email", async () => {
    const { requests, deps, github } = await githubStandIn([
      { email: "other@example.com", primary: false, verified: true },
      { email: "Octo@Example.com", primary: true, verified: true },
    ]);
    const result = await completeSignIn(deps, github, callback({ nonce: null }));
    expect(result).toEqual({ ok: true, value: { subject: "583231", email: "octo@example.com", emailVerified: true, name: "The Octocat", privateRelay: false, tokens: { accessToken: "gho_token", refreshToken: null, idToken: null, expiresIn: null } } });
    expect(requests[0]?.headers.accept).toBe("application/json");
    expect(new URLSearchParams(requests[0]?.body).get("client_secret")).toBe(CLIENT_SECRET);
    expect(new URLSearchParams(requests[0]?.body).get("code_verifier")).toBe("the-verifier");
    for (const apiCall of requests.slice(1)) {
      expect(apiCall.headers.authorization).toBe("Bearer gho_token");
      expect(apiCall.headers.accept).toBe("application/vnd.github+json");
      expect(apiCall.headers["user-agent"]).toBe("Portcullis");
    }
  });

  it("an unverified primary email is not vouched for (no email, emailVerified false), even when another address is verified", async () => {
    const { deps, github } = await githubStandIn([
      { email: "victim@example.com", primary: true, verified: false },
      { email: "mine@example.com", primary: false, verified: true },
    ]);
    const result = await completeSignIn(deps, github, callback({ nonce: null }));
    expect(result.ok && { email: result.value.email, emailVerified: result.value.emailVerified }).toEqual({ email: null, emailVerified: false });
  });

  it("an OAuth error GitHub answers with status 200 becomes provider_error", async () => {
    const { base, path } = freshBase();
    route(`${path}/login/oauth/access_token`, () => json({ error: "bad_verification_code", error_description: "The code passed is incorrect or expired." }));
    const result = await completeSignIn(federationDeps(clock, { githubBase: base, githubApi: `${base}/api` }), await connection({ provider: "github" }), callback({ nonce: null }));
    expect(result).toEqual({ ok: false, error: { kind: "provider_error", error: "bad_verification_code", description: "The code passed is incorrect or expired." } });
  });

  it("the authorization URL is GitHub's fixed one, with PKCE and without a nonce", async () => {
    const { deps, github } = await githubStandIn([]);
    const result = await authorizationUrl(deps, github, { redirectUri: "https://auth.example/cb", state: "st", nonce: "ignored", codeChallenge: "ch" });
    expect(result.ok && result.value.pathname.endsWith("/login/oauth/authorize")).toBe(true);
    expect(result.ok && result.value.searchParams.get("nonce")).toBe(null);
    expect(result.ok && result.value.searchParams.get("code_challenge_method")).toBe("S256");
  });
});

describe("Microsoft (multi-tenant)", () => {
  const TENANT = "9188040d-6c67-4c5b-b112-36a304b66dad";

  async function microsoftStandIn() {
    const standIn = await openIdStandIn({ issuer: (base) => `${base}/{tenantid}/v2.0`, discoveryBase: (base) => `${base}/common/v2.0` });
    const deps = federationDeps(clock, { microsoftBase: standIn.base });
    const microsoft = await connection({ provider: "microsoft" });
    const signIn = async (claims: JWTPayload, extra: Partial<CallbackInput> = {}) => {
      standIn.tokenReply = json({ access_token: "ms-access", token_type: "Bearer", id_token: await signIdToken(standIn.key, claims) });
      return completeSignIn(deps, microsoft, callback(extra));
    };
    return { standIn, signIn, issuerOf: (tid: string) => `${standIn.base}/${tid}/v2.0` };
  }

  it("accepts the issuer with the token's own tid put in, and names the user tid:oid", async () => {
    const { signIn, issuerOf } = await microsoftStandIn();
    const result = await signIn(tokenClaims(issuerOf(TENANT), { tid: TENANT, oid: "oid-1", email: "ada@contoso.com", xms_edov: true }));
    expect(result.ok && result.value).toMatchObject({ subject: `${TENANT}:oid-1`, email: "ada@contoso.com", emailVerified: true });
  });

  it("an id_token whose issuer names another tenant than its tid is refused", async () => {
    const { signIn, issuerOf } = await microsoftStandIn();
    expect(await signIn(tokenClaims(issuerOf("another-tenant"), { tid: TENANT, oid: "oid-1" }))).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
  });

  it("an id_token with the {tenantid} placeholder left in its issuer is refused", async () => {
    const { signIn, issuerOf } = await microsoftStandIn();
    expect(await signIn(tokenClaims(issuerOf("{tenantid}"), { oid: "oid-1" }))).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
  });

  it("an email without xms_edov is not vouched for, nor with xms_edov false or \"true\"", async () => {
    const { signIn, issuerOf } = await microsoftStandIn();
    for (const xmsEdov of [undefined, false, "true"]) {
      const result = await signIn(tokenClaims(issuerOf(TENANT), { tid: TENANT, oid: "oid-1", email: "ceo@victim.example", email_verified: true, xms_edov: xmsEdov }));
      expect(result.ok && result.value.emailVerified).toBe(false);
    }
  });

  it("an iss parameter naming another tenant is refused", async () => {
    const { signIn, issuerOf } = await microsoftStandIn();
    expect(await signIn(tokenClaims(issuerOf(TENANT), { tid: TENANT, oid: "oid-1" }), { issParameter: issuerOf("another-tenant") })).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
    expect((await signIn(tokenClaims(issuerOf(TENANT), { tid: TENANT, oid: "oid-1" }), { issParameter: issuerOf(TENANT) })).ok).toBe(true);
  });
});

describe("Google", () => {
  it("vouches for the email only when email_verified is true", async () => {
    const standIn = await openIdStandIn();
    const deps = federationDeps(clock, { googleIssuer: standIn.issuer });
    const google = await connection({ provider: "google" });
    const signIn = async (verified: unknown) => {
      standIn.tokenReply = json({ access_token: "g", token_type: "Bearer", id_token: await signIdToken(standIn.key, tokenClaims(standIn.issuer, { email: "a@gmail.com", email_verified: verified })) });
      const result = await completeSignIn(deps, google, callback());
      return result.ok && result.value.emailVerified;
    };
    expect(await signIn(true)).toBe(true);
    expect(await signIn(false)).toBe(false);
  });
});

describe("Apple", () => {
  async function appleStandIn() {
    const { base, path } = freshBase();
    const key = await signingKey("apple-key-1");
    const tokenRequests: SeenRequest[] = [];
    let tokenReply: Reply = json({ error: "invalid_grant" }, 400);
    route(`${path}/auth/keys`, () => json({ keys: [key.publicJwk] }));
    route(`${path}/auth/token`, (request) => {
      tokenRequests.push(request);
      return tokenReply;
    });
    const appleKey = await generateKeyPair("ES256", { extractable: true });
    const bare = await connection({ provider: "apple", clientId: "com.example.web", scopes: ["name", "email"] });
    const apple: ConnectionRecord = { ...bare, apple: { teamId: "TEAM123456", keyId: "KEY1234567", sealedPrivateKey: await sealSecret(KEY_ENCRYPTION_SECRET, "connection-secret", await exportPKCS8(appleKey.privateKey), bare.id) } };
    const deps = federationDeps(clock, { appleIssuer: base });
    const signIn = async (claims: JWTPayload, extra: Partial<CallbackInput> = {}) => {
      tokenReply = json({ access_token: "apple-access", token_type: "Bearer", refresh_token: "apple-refresh", id_token: await signIdToken(key, { ...claims, aud: claims.aud === "portcullis-client" ? "com.example.web" : claims.aud }) });
      return completeSignIn(deps, apple, callback(extra));
    };
    return { base, apple, deps, appleKey, tokenRequests, signIn };
  }

  it("its client secret is an ES256 JWT that verifies with the team's public key and carries iss, sub, aud, kid and a 5 minute life", async () => {
    const { base, appleKey, tokenRequests, signIn } = await appleStandIn();
    await signIn(tokenClaims(base));
    const secret = new URLSearchParams(tokenRequests[0]?.body).get("client_secret") ?? "";
    expect(decodeProtectedHeader(secret)).toEqual({ alg: "ES256", kid: "KEY1234567" });
    const { payload } = await jwtVerify(secret, appleKey.publicKey, { algorithms: ["ES256"], currentDate: clock.now });
    expect(payload).toEqual({ iss: "TEAM123456", sub: "com.example.web", aud: base, iat: seconds(), exp: seconds() + 300 });
    expect(new URLSearchParams(tokenRequests[0]?.body).get("client_id")).toBe("com.example.web");
  });

  it("a client secret signed by another key does not verify with the team's public key", async () => {
    const { base, tokenRequests, signIn } = await appleStandIn();
    await signIn(tokenClaims(base));
    const other = await generateKeyPair("ES256");
    const secret = new URLSearchParams(tokenRequests[0]?.body).get("client_secret") ?? "";
    await expect(jwtVerify(secret, other.publicKey, { currentDate: clock.now })).rejects.toThrow();
  });

  it("reads email_verified and is_private_email sent as the strings \"true\", and the name from the first sign-in's user field", async () => {
    const { base, signIn } = await appleStandIn();
    const user = JSON.stringify({ name: { firstName: "Ada", lastName: "Lovelace" }, email: "x7k2@privaterelay.appleid.com" });
    const result = await signIn(tokenClaims(base, { email: "X7K2@privaterelay.appleid.com", email_verified: "true", is_private_email: "true" }), { appleUser: user });
    expect(result.ok && result.value).toMatchObject({ subject: "pairwise-sub", email: "x7k2@privaterelay.appleid.com", emailVerified: true, privateRelay: true, name: "Ada Lovelace" });
  });

  it("a private relay address is recognised by its domain even without is_private_email; \"false\" is not verified", async () => {
    const { base, signIn } = await appleStandIn();
    const result = await signIn(tokenClaims(base, { email: "abc@privaterelay.appleid.com", email_verified: "false" }));
    expect(result.ok && result.value).toMatchObject({ emailVerified: false, privateRelay: true, name: null });
  });

  it("a name from the user field loses control characters and is cut to 200 characters", async () => {
    const { base, signIn } = await appleStandIn();
    const user = JSON.stringify({ name: { firstName: "Ada\u0000\u001b[31m", lastName: "L".repeat(300) } });
    const result = await signIn(tokenClaims(base), { appleUser: user });
    const name = result.ok ? result.value.name : null;
    expect(name?.startsWith("Ada[31m L")).toBe(true);
    expect(name).toHaveLength(200);
  });

  it("a user field that is not the expected JSON gives no name and no failure", async () => {
    const { base, signIn } = await appleStandIn();
    const result = await signIn(tokenClaims(base, { email: "a@icloud.com", email_verified: true }), { appleUser: "{not json" });
    expect(result.ok && result.value).toMatchObject({ name: null, emailVerified: true, privateRelay: false });
  });

  it("asks for response_mode=form_post at Apple's fixed authorization endpoint", async () => {
    const { base, apple, deps } = await appleStandIn();
    const result = await authorizationUrl(deps, apple, { redirectUri: "https://auth.example/cb", state: "st", nonce: "no", codeChallenge: "ch" });
    expect(result.ok && `${result.value.origin}${result.value.pathname}`).toBe(`${base}/auth/authorize`);
    expect(result.ok && result.value.searchParams.get("response_mode")).toBe("form_post");
    expect(result.ok && result.value.searchParams.get("scope")).toBe("name email");
  });

  it("an Apple key sealed for another connection does not open, and nothing is sent to Apple", async () => {
    const { apple, deps, tokenRequests } = await appleStandIn();
    const moved: ConnectionRecord = { ...apple, id: "con_bbbbbbbbbbbbbbbbbbbbbbbbbb" };
    expect(await completeSignIn(deps, moved, callback())).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
    expect(tokenRequests).toHaveLength(0);
  });

  it("an id_token issued to another Apple client (aud) is refused", async () => {
    const { base, signIn } = await appleStandIn();
    expect(await signIn(tokenClaims(base, { aud: "com.other.app" }))).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
  });
});

describe("the sealed client secret", () => {
  it("a client secret sealed for another connection does not open, and the code is never sent", async () => {
    const standIn = await openIdStandIn();
    const original = await connection({ provider: "oidc", issuer: standIn.issuer });
    const moved = { ...original, id: "con_cccccccccccccccccccccccccc" };
    expect(await completeSignIn(federationDeps(clock), moved, callback())).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
    expect(standIn.tokenRequests).toHaveLength(0);
  });
});
