import * as client from "openid-client";
import { createRemoteJWKSet, decodeProtectedHeader, jwtVerify } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startIdentityProvider, type IdentityProvider } from "../../../dev/identity-provider/server";
import { CookieBrowser } from "./cookie-browser";

const CALLBACK = "http://127.0.0.1:8123/callback";
let op: IdentityProvider;

beforeAll(async () => {
  op = await startIdentityProvider({ port: 0 });
});
afterAll(() => op.close());

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${op.controlUrl}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
}

async function configFor(clientId: string): Promise<client.Configuration> {
  expect((await control("POST", "/clients", { provider: "oidc", client_id: clientId, client_secret: "secret-1", redirect_uris: [CALLBACK] })).status).toBe(204);
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- the stand-in speaks plain http on loopback
  return client.discovery(new URL(op.issuer), clientId, {}, client.ClientSecretPost("secret-1"), { execute: [client.allowInsecureRequests] });
}

async function signIn(config: client.Configuration, login: string) {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, { redirect_uri: CALLBACK, scope: "openid email profile", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce, login_hint: login });
  const outcome = await new CookieBrowser().follow(url.toString(), CALLBACK);
  if (!("callback" in outcome)) throw new Error("no callback");
  return client.authorizationCodeGrant(config, outcome.callback, { pkceCodeVerifier: verifier, expectedNonce: nonce });
}

/** The code flow by hand, returning the id_token as the token endpoint sent it. */
async function rawIdToken(clientId: string): Promise<{ idToken: string; nonce: string }> {
  const verifier = client.randomPKCECodeVerifier();
  const nonce = client.randomNonce();
  const authorize = new URL(`${op.issuer}/auth`);
  for (const [name, value] of Object.entries({ client_id: clientId, response_type: "code", redirect_uri: CALLBACK, scope: "openid email", code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: "S256", nonce, login_hint: "ada@example.com" })) {
    authorize.searchParams.set(name, value);
  }
  const outcome = await new CookieBrowser().follow(authorize.toString(), CALLBACK);
  if (!("callback" in outcome)) throw new Error("no callback");
  const answer = await fetch(`${op.issuer}/token`, {
    method: "POST",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code: outcome.callback.searchParams.get("code") ?? "", redirect_uri: CALLBACK, code_verifier: verifier, client_id: clientId, client_secret: "secret-1" }),
  });
  expect(answer.status).toBe(200);
  return { idToken: ((await answer.json()) as { id_token: string }).id_token, nonce };
}

function verify(idToken: string, clientId: string) {
  return jwtVerify(idToken, createRemoteJWKSet(new URL(`${op.issuer}/jwks`)), { issuer: op.issuer, audience: clientId, algorithms: ["RS256"] });
}

async function jwksKids(url: string): Promise<string[]> {
  const jwks = (await (await fetch(url)).json()) as { keys: { kid: string; d?: string }[] };
  expect(jwks.keys.every((key) => key.d === undefined)).toBe(true);
  return jwks.keys.map((key) => key.kid);
}

describe("control API", () => {
  it.each([
    ["other_key", "ERR_JWS_SIGNATURE_VERIFICATION_FAILED", undefined],
    ["other_audience", "ERR_JWT_CLAIM_VALIDATION_FAILED", "aud"],
    ["expired", "ERR_JWT_EXPIRED", "exp"],
    ["alg_none", "ERR_JOSE_ALG_NOT_ALLOWED", undefined],
    ["wrong_issuer", "ERR_JWT_CLAIM_VALIDATION_FAILED", "iss"],
  ])("spoils the next id_token with %s so verification fails with %s, and only that one", async (kind, code, claim) => {
    await configFor(`rp-bad-${kind}`);
    expect((await control("POST", "/bad-token", { client_id: `rp-bad-${kind}`, kind })).status).toBe(204);
    const spoiled = await rawIdToken(`rp-bad-${kind}`);
    const failure = await verify(spoiled.idToken, `rp-bad-${kind}`).then(() => null, (error: unknown) => error);
    expect(failure).toMatchObject({ code, ...(claim ? { claim } : {}) });
    const next = await rawIdToken(`rp-bad-${kind}`);
    expect((await verify(next.idToken, `rp-bad-${kind}`)).payload.nonce).toBe(next.nonce);
  });

  it("spoils the next id_token with wrong_nonce: validly signed, but not the nonce that was sent", async () => {
    await configFor("rp-bad-nonce");
    expect((await control("POST", "/bad-token", { client_id: "rp-bad-nonce", kind: "wrong_nonce" })).status).toBe(204);
    const spoiled = await rawIdToken("rp-bad-nonce");
    const { payload } = await verify(spoiled.idToken, "rp-bad-nonce");
    expect(payload.nonce).not.toBe(spoiled.nonce);
  });

  it("openid-client refuses a token answer whose id_token has the wrong audience", async () => {
    const config = await configFor("rp-bad-rp");
    expect((await control("POST", "/bad-token", { client_id: "rp-bad-rp", kind: "other_audience" })).status).toBe(204);
    await expect(signIn(config, "ada@example.com")).rejects.toThrow("unexpected JWT claim value encountered");
  });

  it("rotating the keys replaces the key in the JWKS, and new id_tokens carry the new kid", async () => {
    const config = await configFor("rp-rotate");
    const before = await jwksKids(`${op.issuer}/jwks`);
    expect((await control("POST", "/rotate-keys", { provider: "oidc" })).status).toBe(204);
    const after = await jwksKids(`${op.issuer}/jwks`);
    expect(after).toHaveLength(1);
    expect(after.some((kid) => before.includes(kid))).toBe(false);
    const tokens = await signIn(config, "ada@example.com");
    expect(decodeProtectedHeader(tokens.id_token ?? "").kid).toBe(after[0]);
  });

  it("flipping a user's email_verified shows in the next id_token", async () => {
    const config = await configFor("rp-flip");
    expect((await control("PUT", "/users", { login: "grace@example.com", email_verified: false })).status).toBe(204);
    expect((await signIn(config, "grace@example.com")).claims()?.email_verified).toBe(false);
    expect((await control("PUT", "/users", { login: "grace@example.com", email_verified: true })).status).toBe(204);
    expect((await signIn(config, "grace@example.com")).claims()?.email_verified).toBe(true);
  });

  it("adds a new test user who can then sign in", async () => {
    const config = await configFor("rp-new-user");
    expect((await control("PUT", "/users", { login: "hedy@example.com", email_verified: true, name: "Hedy Lamarr" })).status).toBe(204);
    expect((await signIn(config, "hedy@example.com")).claims()).toMatchObject({ email: "hedy@example.com", email_verified: true, name: "Hedy Lamarr" });
  });

  it("answers 503 to everything while down, and works again once up", async () => {
    expect((await control("POST", "/down")).status).toBe(204);
    for (const path of ["/.well-known/openid-configuration", "/jwks", "/google/.well-known/openid-configuration", "/github/login/oauth/access_token", "/apple/auth/keys"]) {
      expect((await fetch(`${op.url}${path}`)).status).toBe(503);
    }
    expect((await control("POST", "/up")).status).toBe(204);
    expect((await fetch(`${op.issuer}/.well-known/openid-configuration`)).status).toBe(200);
  });

  it("refuses a client registration with unknown fields or a non-http redirect URI with 400 and a plain reason", async () => {
    const unknown = await control("POST", "/clients", { provider: "oidc", client_id: "x", redirect_uris: [CALLBACK], extra: 1 });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/unrecognized/i);
    const javascript = await control("POST", "/clients", { provider: "oidc", client_id: "x", redirect_uris: ["javascript:alert(1)"] });
    expect(javascript.status).toBe(400);
    const notJson = await fetch(`${op.controlUrl}/clients`, { method: "POST", body: "{" });
    expect(notJson.status).toBe(400);
  });

  it("refuses a bad-token request of an unknown kind", async () => {
    expect((await control("POST", "/bad-token", { client_id: "x", kind: "sneaky" })).status).toBe(400);
  });
});
