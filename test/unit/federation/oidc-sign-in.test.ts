import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JWTPayload } from "jose";
import { authorizationUrl, checkIssuer, completeSignIn, type CallbackInput } from "../../../workers/issuer/services/federation/upstream";
import { JWKS_REFETCH_INTERVAL_MS, JWKS_TTL_MS } from "../../../workers/issuer/services/federation/jwks-cache";
import { CLIENT_SECRET, connection, federationDeps, json, openIdStandIn, signIdToken, signingKey, startStandIn, stopStandIn, unsignedIdToken, type OpenIdStandIn, type SigningKey, type TestClock } from "./provider-stand-in";

const NONCE = "nonce-sent-at-the-start";
const clock: TestClock = { now: new Date("2026-06-01T10:00:00Z") };
const seconds = (): number => Math.floor(clock.now.getTime() / 1000);

beforeAll(startStandIn);
afterAll(stopStandIn);
beforeEach(() => {
  clock.now = new Date("2026-06-01T10:00:00Z");
});

function claims(standIn: OpenIdStandIn, extra: JWTPayload = {}): JWTPayload {
  return { iss: standIn.issuer, sub: "user-42", aud: "portcullis-client", iat: seconds(), exp: seconds() + 300, nonce: NONCE, email: "Ada@Example.COM", email_verified: true, name: "Ada Lovelace", ...extra };
}

const callback = (extra: Partial<CallbackInput> = {}): CallbackInput => ({ code: "the-code", redirectUri: "https://auth.example/oauth2/callback/con_x", codeVerifier: "the-verifier", nonce: NONCE, issParameter: null, appleUser: null, ...extra });

async function signInWith(standIn: OpenIdStandIn & { key: SigningKey }, idToken: string, extra: Partial<CallbackInput> = {}) {
  standIn.tokenReply = json({ access_token: "upstream-access", token_type: "Bearer", expires_in: 3600, id_token: idToken });
  return completeSignIn(federationDeps(clock), await connection({ provider: "oidc", issuer: standIn.issuer }), callback(extra));
}

describe("an OpenID Provider sign-in", () => {
  it("answers the profile of a valid id_token, with the email lower-cased and verified", async () => {
    const standIn = await openIdStandIn();
    const result = await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    expect(result).toEqual({ ok: true, value: { subject: "user-42", email: "ada@example.com", emailVerified: true, name: "Ada Lovelace", privateRelay: false, tokens: { accessToken: "upstream-access", refreshToken: null, idToken: expect.any(String), expiresIn: 3600 } } });
  });

  it("exchanges the code with the PKCE verifier and client_secret_basic by default (form-encoded credentials)", async () => {
    const standIn = await openIdStandIn();
    await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    const request = standIn.tokenRequests[0];
    const form = new URLSearchParams(request?.body);
    expect(Object.fromEntries(form)).toEqual({ grant_type: "authorization_code", code: "the-code", redirect_uri: "https://auth.example/oauth2/callback/con_x", code_verifier: "the-verifier" });
    const encoded = (value: string) => encodeURIComponent(value).replace(/%20/g, "+");
    expect(request?.headers.authorization).toBe(`Basic ${Buffer.from(`portcullis-client:${encoded(CLIENT_SECRET)}`).toString("base64")}`);
  });

  it("sends the client secret in the form when the provider supports only client_secret_post", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["token_endpoint_auth_methods_supported"] = ["client_secret_post"];
    await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    const form = new URLSearchParams(standIn.tokenRequests[0]?.body);
    expect(form.get("client_secret")).toBe(CLIENT_SECRET);
    expect(standIn.tokenRequests[0]?.headers.authorization).toBeUndefined();
  });

  it("builds the authorization URL from discovery with code, S256 challenge, state, nonce and scopes", async () => {
    const standIn = await openIdStandIn();
    const result = await authorizationUrl(federationDeps(clock), await connection({ provider: "oidc", issuer: standIn.issuer }), { redirectUri: "https://auth.example/cb", state: "st", nonce: "no", codeChallenge: "ch" });
    expect(result.ok).toBe(true);
    const url = result.ok ? result.value : null;
    expect(`${url?.origin ?? ""}${url?.pathname ?? ""}`).toBe(`${standIn.base}/authorize`);
    expect(Object.fromEntries(url?.searchParams ?? [])).toEqual({ response_type: "code", client_id: "portcullis-client", redirect_uri: "https://auth.example/cb", state: "st", code_challenge: "ch", code_challenge_method: "S256", scope: "openid email profile", nonce: "no" });
  });

  it("does not vouch for an email whose email_verified is missing or the string \"true\"", async () => {
    const standIn = await openIdStandIn();
    const missing = await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { email_verified: undefined })));
    const text = await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { email_verified: "true" })));
    expect(missing.ok && missing.value.emailVerified).toBe(false);
    expect(text.ok && text.value.emailVerified).toBe(false);
  });
});

describe("id_token attacks are refused as invalid_response", () => {
  const refused = { ok: false, error: { kind: "invalid_response", detail: expect.any(String) } };

  it("an id_token signed by another key under the published kid", async () => {
    const standIn = await openIdStandIn();
    const forger = await signingKey(standIn.key.kid);
    expect(await signInWith(standIn, await signIdToken(forger, claims(standIn)))).toEqual(refused);
  });

  it("an id_token for another audience", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { aud: "another-client" })))).toEqual(refused);
  });

  it("an expired id_token (past the 60 s clock tolerance)", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { iat: seconds() - 600, exp: seconds() - 61 })))).toEqual(refused);
  });

  it("an id_token with alg none", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["id_token_signing_alg_values_supported"] = ["none", "RS256"];
    expect(await signInWith(standIn, unsignedIdToken(claims(standIn)))).toEqual(refused);
  });

  it("an id_token MACed with HS256 under the client secret, even when discovery lists HS256", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["id_token_signing_alg_values_supported"] = ["HS256", "RS256"];
    const { SignJWT } = await import("jose");
    const token = await new SignJWT(claims(standIn)).setProtectedHeader({ alg: "HS256", kid: standIn.key.kid }).sign(new TextEncoder().encode(CLIENT_SECRET));
    expect(await signInWith(standIn, token)).toEqual(refused);
  });

  it("an id_token signed with an algorithm the provider does not list (ES256 where only RS256 is listed)", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["id_token_signing_alg_values_supported"] = ["RS256"];
    const ecKey = await signingKey("ec-key", "ES256");
    standIn.published = [standIn.key, ecKey];
    expect(await signInWith(standIn, await signIdToken(ecKey, claims(standIn)))).toEqual(refused);
  });

  it("accepts an ES256 id_token when the provider lists ES256", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["id_token_signing_alg_values_supported"] = ["ES256"];
    const ecKey = await signingKey("ec-key", "ES256");
    standIn.published = [ecKey];
    expect((await signInWith(standIn, await signIdToken(ecKey, claims(standIn)))).ok).toBe(true);
  });

  it("an id_token with another nonce (replayed from another sign-in)", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { nonce: "someone-elses-nonce" })))).toEqual(refused);
  });

  it("an id_token without a nonce", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { nonce: undefined })))).toEqual(refused);
  });

  it("an id_token from another issuer", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { iss: "https://evil.example" })))).toEqual(refused);
  });

  it("an id_token whose azp names another client", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { aud: ["portcullis-client", "other"], azp: "other" })))).toEqual(refused);
  });

  it("an id_token with several audiences and no azp", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { aud: ["portcullis-client", "other"] })))).toEqual(refused);
  });

  it("an id_token without sub", async () => {
    const standIn = await openIdStandIn();
    expect(await signInWith(standIn, await signIdToken(standIn.key, claims(standIn, { sub: undefined })))).toEqual(refused);
  });

  it("an id_token missing altogether from the token answer", async () => {
    const standIn = await openIdStandIn();
    standIn.tokenReply = json({ access_token: "a", token_type: "Bearer" });
    expect(await completeSignIn(federationDeps(clock), await connection({ provider: "oidc", issuer: standIn.issuer }), callback())).toEqual(refused);
  });
});

describe("key rollover", () => {
  it("an unknown kid after the provider rotated its keys refetches the JWKS once and succeeds", async () => {
    const standIn = await openIdStandIn();
    expect((await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)))).ok).toBe(true);
    expect(standIn.jwksFetches).toBe(1);
    const next = await signingKey("rotated-key");
    standIn.published = [next];
    clock.now = new Date(clock.now.getTime() + JWKS_REFETCH_INTERVAL_MS);
    const result = await signInWith(standIn, await signIdToken(next, claims(standIn)));
    expect(result.ok).toBe(true);
    expect(standIn.jwksFetches).toBe(2);
  });

  it("a storm of id_tokens naming unknown kids refetches the JWKS at most once per interval (refetch storm limited)", async () => {
    const standIn = await openIdStandIn();
    await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    clock.now = new Date(clock.now.getTime() + JWKS_REFETCH_INTERVAL_MS);
    const forger = await signingKey("unknown");
    const results = [];
    for (let index = 0; index < 10; index++) results.push(await signInWith(standIn, await signIdToken(forger, claims(standIn), { kid: `made-up-${index}` })));
    expect(results.every((result) => !result.ok && result.error.kind === "invalid_response")).toBe(true);
    expect(standIn.jwksFetches).toBe(2);
  });

  it("fetches the JWKS again once its 10 minute lifetime has passed", async () => {
    const standIn = await openIdStandIn();
    await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    clock.now = new Date(clock.now.getTime() + JWKS_TTL_MS);
    expect((await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)))).ok).toBe(true);
    expect(standIn.jwksFetches).toBe(2);
  });

  it("serves the JWKS from the cache within its lifetime", async () => {
    const standIn = await openIdStandIn();
    for (let index = 0; index < 3; index++) await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    expect(standIn.jwksFetches).toBe(1);
  });
});

describe("the iss authorization response parameter (RFC 9207)", () => {
  it("an iss parameter naming another issuer (mix-up) is refused before the code is sent", async () => {
    const standIn = await openIdStandIn();
    const result = await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)), { issParameter: "https://evil.example" });
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
    expect(standIn.tokenRequests).toHaveLength(0);
  });

  it("a missing iss parameter is refused when the provider's metadata says it always sends one", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["authorization_response_iss_parameter_supported"] = true;
    const result = await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)));
    expect(result).toMatchObject({ ok: false, error: { kind: "invalid_response" } });
    expect(standIn.tokenRequests).toHaveLength(0);
  });

  it("the right iss parameter is accepted", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["authorization_response_iss_parameter_supported"] = true;
    expect((await signInWith(standIn, await signIdToken(standIn.key, claims(standIn)), { issParameter: standIn.issuer })).ok).toBe(true);
  });
});

describe("the token endpoint", () => {
  it("an OAuth error answer becomes provider_error with its code and description", async () => {
    const standIn = await openIdStandIn();
    standIn.tokenReply = json({ error: "invalid_grant", error_description: "code expired" }, 400);
    expect(await completeSignIn(federationDeps(clock), await connection({ provider: "oidc", issuer: standIn.issuer }), callback())).toEqual({ ok: false, error: { kind: "provider_error", error: "invalid_grant", description: "code expired" } });
  });

  it("a 500 becomes provider_unavailable", async () => {
    const standIn = await openIdStandIn();
    standIn.tokenReply = { status: 500, body: "<html>oops</html>" };
    expect(await completeSignIn(federationDeps(clock), await connection({ provider: "oidc", issuer: standIn.issuer }), callback())).toMatchObject({ ok: false, error: { kind: "provider_unavailable" } });
  });
});

describe("checkIssuer", () => {
  it("accepts an issuer whose discovery document names it", async () => {
    const standIn = await openIdStandIn();
    expect(await checkIssuer(federationDeps(clock), standIn.issuer)).toEqual({ ok: true, value: undefined });
  });

  it("refuses a discovery document that names another issuer", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["issuer"] = "https://evil.example";
    expect(await checkIssuer(federationDeps(clock), standIn.issuer)).toMatchObject({ ok: false, error: { kind: "provider_unavailable" } });
  });

  it("refuses an http issuer unless loopback http is allowed (local stack only)", async () => {
    const standIn = await openIdStandIn();
    expect(await checkIssuer(federationDeps(clock, { allowLoopbackHttp: false }), standIn.issuer)).toMatchObject({ ok: false, error: { kind: "provider_unavailable" } });
    expect(await checkIssuer(federationDeps(clock, { allowLoopbackHttp: true }), "http://provider.example")).toMatchObject({ ok: false, error: { kind: "provider_unavailable" } });
  });

  it("refuses a discovery document whose endpoints are not https", async () => {
    const standIn = await openIdStandIn();
    standIn.discovery["token_endpoint"] = "http://provider.example/token";
    expect(await checkIssuer(federationDeps(clock), standIn.issuer)).toMatchObject({ ok: false, error: { kind: "provider_unavailable" } });
  });
});
