import { createHash } from "node:crypto";
import { createRemoteJWKSet, decodeJwt, exportJWK, generateKeyPair, jwtVerify, SignJWT, type CryptoKey } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_MICROSOFT_TENANT_ID, startIdentityProvider, type IdentityProvider } from "../../../dev/identity-provider/server";
import { CookieBrowser } from "./cookie-browser";

const CALLBACK = "http://127.0.0.1:8123/callback";
const VERIFIER = "a-code-verifier-that-is-long-enough-for-rfc-7636-0123456789";
const CHALLENGE = createHash("sha256").update(VERIFIER).digest("base64url");
let op: IdentityProvider;

beforeAll(async () => {
  op = await startIdentityProvider({ port: 0 });
});
afterAll(() => op.close());

async function register(body: Record<string, unknown>): Promise<void> {
  const answer = await fetch(`${op.controlUrl}/clients`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  expect(answer.status).toBe(204);
}

async function callback(url: string): Promise<URL> {
  const outcome = await new CookieBrowser().follow(url, CALLBACK);
  if (!("callback" in outcome)) throw new Error(`no callback: ${outcome.page.status}`);
  return outcome.callback;
}

function authorizeUrl(base: string, params: Record<string, string>): string {
  const url = new URL(base);
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return url.toString();
}

describe("Google stand-in", () => {
  it("is an OpenID issuer at /google whose id_tokens carry email_verified", async () => {
    const document = (await (await fetch(`${op.googleIssuer}/.well-known/openid-configuration`)).json()) as { issuer: string; authorization_endpoint: string; token_endpoint: string; jwks_uri: string };
    expect(document.issuer).toBe(op.googleIssuer);
    await register({ provider: "google", client_id: "g-app", client_secret: "g-secret", redirect_uris: [CALLBACK] });
    const back = await callback(authorizeUrl(document.authorization_endpoint, { client_id: "g-app", response_type: "code", redirect_uri: CALLBACK, scope: "openid email profile", code_challenge: CHALLENGE, code_challenge_method: "S256", nonce: "n-1", login_hint: "ada@example.com" }));
    expect(back.searchParams.get("iss")).toBe(op.googleIssuer);
    const tokens = await fetch(document.token_endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "authorization_code", code: back.searchParams.get("code") ?? "", redirect_uri: CALLBACK, code_verifier: VERIFIER, client_id: "g-app", client_secret: "g-secret" }) });
    const { id_token: idToken } = (await tokens.json()) as { id_token: string };
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(document.jwks_uri)), { issuer: op.googleIssuer, audience: "g-app" });
    expect(payload).toMatchObject({ sub: "user-ada", email: "ada@example.com", email_verified: true, nonce: "n-1" });
  });
});

describe("Microsoft stand-in", () => {
  async function signIn(login: string): Promise<Record<string, unknown>> {
    const tenantBase = `${op.microsoftBase}/${LOCAL_MICROSOFT_TENANT_ID}/v2.0`;
    const document = (await (await fetch(`${tenantBase}/.well-known/openid-configuration`)).json()) as { authorization_endpoint: string; token_endpoint: string; jwks_uri: string };
    const back = await callback(authorizeUrl(document.authorization_endpoint, { client_id: "ms-app", response_type: "code", redirect_uri: CALLBACK, scope: "openid email profile", code_challenge: CHALLENGE, code_challenge_method: "S256", nonce: "n-2", login_hint: login }));
    const tokens = await fetch(document.token_endpoint, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ grant_type: "authorization_code", code: back.searchParams.get("code") ?? "", redirect_uri: CALLBACK, code_verifier: VERIFIER, client_id: "ms-app", client_secret: "ms-secret" }) });
    const { id_token: idToken } = (await tokens.json()) as { id_token: string };
    return (await jwtVerify(idToken, createRemoteJWKSet(new URL(document.jwks_uri)), { issuer: tenantBase, audience: "ms-app" })).payload;
  }

  beforeAll(() => register({ provider: "microsoft", client_id: "ms-app", client_secret: "ms-secret", redirect_uris: [CALLBACK] }));

  it("names the common document's issuer with the literal {tenantid} placeholder, as Microsoft does", async () => {
    const document = (await (await fetch(`${op.microsoftBase}/common/v2.0/.well-known/openid-configuration`)).json()) as { issuer: string; jwks_uri: string };
    expect(document.issuer).toBe(`${op.microsoftBase}/{tenantid}/v2.0`);
    expect(document.jwks_uri).toBe(`${op.microsoftBase}/${LOCAL_MICROSOFT_TENANT_ID}/v2.0/jwks`);
  });

  it("issues id_tokens with tid, oid, the tenant's iss and xms_edov for a verified user", async () => {
    const claims = await signIn("ada@example.com");
    expect(claims).toMatchObject({ iss: `${op.microsoftBase}/${LOCAL_MICROSOFT_TENANT_ID}/v2.0`, tid: LOCAL_MICROSOFT_TENANT_ID, email: "ada@example.com", xms_edov: true });
    expect(claims.oid).toMatch(/^[0-9a-f-]{36}$/);
    expect(claims.email_verified).toBeUndefined();
  });

  it("leaves xms_edov out for a user whose email is not verified", async () => {
    const claims = await signIn("alan@example.com");
    expect(claims.email).toBe("alan@example.com");
    expect(claims.xms_edov).toBeUndefined();
  });
});

describe("GitHub stand-in", () => {
  beforeAll(() => register({ provider: "github", client_id: "gh-app", client_secret: "gh-secret", redirect_uris: [CALLBACK] }));

  async function code(login: string): Promise<string> {
    const back = await callback(authorizeUrl(`${op.githubBase}/login/oauth/authorize`, { client_id: "gh-app", redirect_uri: CALLBACK, scope: "read:user user:email", state: "st", code_challenge: CHALLENGE, code_challenge_method: "S256", login }));
    expect(back.searchParams.get("state")).toBe("st");
    return back.searchParams.get("code") ?? "";
  }

  function exchange(body: Record<string, string>, accept?: string): Promise<Response> {
    return fetch(`${op.githubBase}/login/oauth/access_token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded", ...(accept ? { accept } : {}) }, body: new URLSearchParams(body) });
  }

  it("answers the token form-encoded by default and JSON when asked, then serves /user and /user/emails", async () => {
    const form = await exchange({ client_id: "gh-app", client_secret: "gh-secret", code: await code("ada@example.com"), code_verifier: VERIFIER, redirect_uri: CALLBACK });
    expect(new URLSearchParams(await form.text()).get("token_type")).toBe("bearer");
    const json = await exchange({ client_id: "gh-app", client_secret: "gh-secret", code: await code("alan@example.com"), code_verifier: VERIFIER }, "application/json");
    const { access_token: token } = (await json.json()) as { access_token: string };
    const user = (await (await fetch(`${op.githubApi}/user`, { headers: { authorization: `Bearer ${token}` } })).json()) as { id: number };
    expect(user.id).toBe(1003);
    const emails = (await (await fetch(`${op.githubApi}/user/emails`, { headers: { authorization: `Bearer ${token}` } })).json()) as { email: string; primary: boolean; verified: boolean }[];
    expect(emails.find((entry) => entry.primary)).toEqual({ email: "alan@example.com", primary: true, verified: false, visibility: "private" });
  });

  it("refuses a wrong client secret, a wrong PKCE verifier and a replayed code", async () => {
    const wrongSecret = await exchange({ client_id: "gh-app", client_secret: "nope", code: await code("ada@example.com"), code_verifier: VERIFIER }, "application/json");
    expect(await wrongSecret.json()).toMatchObject({ error: "incorrect_client_credentials" });
    const wrongVerifier = await exchange({ client_id: "gh-app", client_secret: "gh-secret", code: await code("ada@example.com"), code_verifier: `${VERIFIER}x` }, "application/json");
    expect(await wrongVerifier.json()).toMatchObject({ error: "bad_verification_code" });
    const once = await code("ada@example.com");
    expect(await (await exchange({ client_id: "gh-app", client_secret: "gh-secret", code: once, code_verifier: VERIFIER }, "application/json")).json()).toHaveProperty("access_token");
    expect(await (await exchange({ client_id: "gh-app", client_secret: "gh-secret", code: once, code_verifier: VERIFIER }, "application/json")).json()).toMatchObject({ error: "bad_verification_code" });
  });

  it("refuses the API without a valid token with 401", async () => {
    expect((await fetch(`${op.githubApi}/user`, { headers: { authorization: "Bearer gho_forged" } })).status).toBe(401);
  });
});

describe("Apple stand-in", () => {
  let privateKey: CryptoKey;
  const teamId = "TEAM123456";
  const keyId = "KEY1234567";

  beforeAll(async () => {
    const pair = await generateKeyPair("ES256", { extractable: true });
    privateKey = pair.privateKey;
    await register({ provider: "apple", client_id: "com.example.web", redirect_uris: [CALLBACK], team_id: teamId, key_id: keyId, public_key: await exportJWK(pair.publicKey) });
  });

  function clientSecret(overrides: { key?: CryptoKey; aud?: string; exp?: number; kid?: string } = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({})
      .setProtectedHeader({ alg: "ES256", kid: overrides.kid ?? keyId })
      .setIssuer(teamId)
      .setSubject("com.example.web")
      .setAudience(overrides.aud ?? op.appleIssuer)
      .setIssuedAt(now - 60)
      .setExpirationTime(overrides.exp ?? now + 3600)
      .sign(overrides.key ?? privateKey);
  }

  /** The hidden fields of the auto-submitting form_post page. */
  async function formPost(login: string): Promise<Record<string, string>> {
    const outcome = await new CookieBrowser().follow(authorizeUrl(`${op.appleIssuer}/auth/authorize`, { client_id: "com.example.web", redirect_uri: CALLBACK, response_type: "code", response_mode: "form_post", scope: "name email", state: "st", nonce: "n-3", login_hint: login }), CALLBACK);
    if (!("page" in outcome)) throw new Error("expected the form_post page");
    const html = await outcome.page.text();
    expect(html).toContain(`action="${CALLBACK}"`);
    return Object.fromEntries([...html.matchAll(/name="([^"]+)" value="([^"]*)"/g)].map((match) => [match[1] ?? "", (match[2] ?? "").replace(/&#34;/g, '"')]));
  }

  function token(code: string, secret: string): Promise<Response> {
    return fetch(`${op.appleIssuer}/auth/token`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: new URLSearchParams({ client_id: "com.example.web", client_secret: secret, code, grant_type: "authorization_code", redirect_uri: CALLBACK }) });
  }

  it("posts code, state and the user's name only on their first sign-in, and issues string booleans", async () => {
    const first = await formPost("grace@example.com");
    expect(first.state).toBe("st");
    expect(JSON.parse(first.user ?? "null")).toEqual({ name: { firstName: "Grace", lastName: "Hopper" }, email: "grace@example.com" });
    const answer = await token(first.code ?? "", await clientSecret());
    expect(answer.status).toBe(200);
    const { id_token: idToken } = (await answer.json()) as { id_token: string };
    const { payload } = await jwtVerify(idToken, createRemoteJWKSet(new URL(`${op.appleIssuer}/auth/keys`)), { issuer: op.appleIssuer, audience: "com.example.web" });
    expect(payload).toMatchObject({ sub: "user-grace", email_verified: "true", is_private_email: "false", nonce: "n-3" });
    const second = await formPost("grace@example.com");
    expect(second.user).toBeUndefined();
  });

  it("marks the private relay user with is_private_email \"true\"", async () => {
    const posted = await formPost("relay@example.com");
    const { id_token: idToken } = (await (await token(posted.code ?? "", await clientSecret())).json()) as { id_token: string };
    expect(decodeJwt(idToken)).toMatchObject({ email: "x7k2p9q4m1@privaterelay.appleid.com", is_private_email: "true" });
  });

  it.each([
    ["signed by another key", async () => clientSecret({ key: (await generateKeyPair("ES256")).privateKey })],
    ["expired", () => clientSecret({ exp: Math.floor(Date.now() / 1000) - 10 })],
    ["for another audience", () => clientSecret({ aud: "https://appleid.apple.com" })],
    ["naming another key id", () => clientSecret({ kid: "OTHERKEY00" })],
  ])("refuses a client secret %s with invalid_client", async (_name, makeSecret) => {
    const posted = await formPost("ada@example.com");
    const answer = await token(posted.code ?? "", await makeSecret());
    expect(answer.status).toBe(400);
    expect(await answer.json()).toEqual({ error: "invalid_client" });
  });
});
