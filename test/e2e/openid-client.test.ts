/**
 * A real relying party: `openid-client` v6 (a certified OpenID Connect library) from Node
 * against the local stack. It discovers the issuer, sends the browser (the form browser) to
 * `/oauth2/authorize` with code + PKCE, and the person signs in on the hosted login page with a
 * password; the library then redeems the code and validates the id_token itself (signature
 * against the JWKS, `iss`, `aud`, `nonce`, `exp`, RFC 9207 `iss` on the callback), reads
 * userinfo, rotates the refresh token, revokes, and logs out (RP-Initiated Logout).
 *
 * `allowInsecureRequests`: the local issuer is `http://localhost:<port>`, and the library
 * refuses plain http unless told. It is used here only because the stack runs on loopback; an
 * app against a deployed (https) issuer never needs it.
 */
import * as client from "openid-client";
import { beforeAll, describe, expect, it } from "vitest";
import { createTenant, registerClient, type E2eTenant, type RegisteredClient } from "./support/admin-api";
import { e2eStack } from "./support/e2e-context";
import { FormBrowser, type Visit } from "./support/form-browser";
import { verifiedPasswordUser, type PasswordUser } from "./support/users";

/** Loopback redirect URIs nobody listens on: the form browser stops before it would go there, as an app's server takes over. */
const CALLBACK = "http://127.0.0.1:8123/callback";
const SIGNED_OUT = "http://127.0.0.1:8123/signed-out";

let tenant: E2eTenant;
let user: PasswordUser;

beforeAll(async () => {
  // No reuse grace interval: a rotated-out refresh token is refused at once, not taken for a retry.
  tenant = await createTenant({ sign_in_methods: ["password"], email_branding: "Relying Party Test", refresh_reuse_interval_seconds: 0 }, "rp");
  user = await verifiedPasswordUser(tenant);
});

/** The library's configuration for a registered client, found by discovery on the local (http) issuer. */
async function discover(registered: RegisteredClient, auth: client.ClientAuth, metadata: Partial<client.ClientMetadata> = {}): Promise<client.Configuration> {
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out: plain http on loopback is the one place it belongs
  return client.discovery(new URL(e2eStack().issuerUrl), registered.client_id, metadata, auth, { execute: [client.allowInsecureRequests] });
}

interface Authorization {
  readonly url: URL;
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

async function authorizationRequest(config: client.Configuration, extra: Record<string, string> = {}): Promise<Authorization> {
  const verifier = client.randomPKCECodeVerifier();
  const state = client.randomState();
  const nonce = client.randomNonce();
  const url = client.buildAuthorizationUrl(config, {
    redirect_uri: CALLBACK,
    scope: "openid email offline_access",
    code_challenge: await client.calculatePKCECodeChallenge(verifier),
    code_challenge_method: "S256",
    state,
    nonce,
    ...extra,
  });
  return { url, verifier, state, nonce };
}

const atCallback = (next: URL) => next.href.startsWith(CALLBACK) || next.href.startsWith(SIGNED_OUT);

/** The browser goes to the authorization URL, signs in with the password on the hosted page, and comes back to the callback. */
async function signInThroughHostedPage(browser: FormBrowser, authorization: Authorization): Promise<URL> {
  const login = await browser.follow(authorization.url, atCallback);
  expect(login.status).toBe(200);
  expect(login.url.pathname).toBe("/login");
  const back = await browser.submit(login, { step: "password", fields: { email: user.email, password: user.password } }, atCallback);
  return callbackOf(back);
}

function callbackOf(visit: Visit): URL {
  if (visit.location === null || !atCallback(visit.location)) throw new Error(`expected a redirect to the app, got ${visit.status} at ${visit.url.href}`);
  return visit.location;
}

async function codeFlow(config: client.Configuration, browser = new FormBrowser()) {
  const authorization = await authorizationRequest(config);
  const callback = await signInThroughHostedPage(browser, authorization);
  const tokens = await client.authorizationCodeGrant(config, callback, {
    pkceCodeVerifier: authorization.verifier,
    expectedState: authorization.state,
    expectedNonce: authorization.nonce,
    idTokenExpected: true,
  });
  return { browser, tokens, authorization };
}

function idTokenAlg(idToken: string | undefined): string {
  const [header = ""] = (idToken ?? "").split(".");
  return (JSON.parse(Buffer.from(header, "base64url").toString()) as { alg: string }).alg;
}

/**
 * The OAuth error the server answered, as the library reports it: `error` from the JSON body, or
 * (a 401 with a `WWW-Authenticate` challenge, which the library raises first) from the body it
 * leaves unread on the response.
 */
async function oauthError(promise: Promise<unknown>): Promise<{ error: string; status: number }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof client.ResponseBodyError) return { error: error.error, status: error.status };
    if (error instanceof client.WWWAuthenticateChallengeError) return { error: ((await error.response.json()) as { error: string }).error, status: error.status };
    throw error;
  }
  throw new Error("expected the server to refuse");
}

describe("openid-client (a certified relying party) against the issuer", () => {
  describe("a public client (token_endpoint_auth_method none) with PKCE", () => {
    let registered: RegisteredClient;
    let config: client.Configuration;

    beforeAll(async () => {
      registered = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [CALLBACK], post_logout_redirect_uris: [SIGNED_OUT] });
      config = await discover(registered, client.None());
    });

    it("discovers the issuer over http on loopback only with allowInsecureRequests, and without it refuses", async () => {
      expect(config.serverMetadata().issuer).toBe(e2eStack().issuerUrl);
      await expect(client.discovery(new URL(e2eStack().issuerUrl), registered.client_id, undefined, client.None())).rejects.toThrow(/http/i);
    });

    it("signs in through the hosted login page; the library validates the RS256 id_token, and userinfo and the gate accept the access token", async () => {
      const { tokens } = await codeFlow(config);
      expect(idTokenAlg(tokens.id_token)).toBe("RS256");
      const claims = tokens.claims();
      expect(claims?.sub).toBe(user.userId);
      expect(claims?.aud).toBe(registered.client_id);
      expect(tokens.token_type.toLowerCase()).toBe("bearer");
      expect(tokens.refresh_token).toEqual(expect.any(String));

      const info = await client.fetchUserInfo(config, tokens.access_token, user.userId);
      expect(info).toMatchObject({ sub: user.userId, email: user.email, email_verified: true });

      const gated = await fetch(new URL("/hello", e2eStack().gateUrl), { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(gated.status).toBe(200);
    });

    it("rotates the refresh token; replaying the rotated-out one is refused with invalid_grant", async () => {
      const { tokens } = await codeFlow(config);
      const first = tokens.refresh_token as string;
      const rotated = await client.refreshTokenGrant(config, first);
      expect(rotated.refresh_token).toEqual(expect.any(String));
      expect(rotated.refresh_token).not.toBe(first);
      expect(await client.fetchUserInfo(config, rotated.access_token, user.userId)).toMatchObject({ sub: user.userId });

      expect(await oauthError(client.refreshTokenGrant(config, first))).toEqual({ error: "invalid_grant", status: 400 });
    });

    it("revokes with tokenRevocation: the refresh token then fails and userinfo refuses the access token", async () => {
      const { tokens } = await codeFlow(config);
      await client.tokenRevocation(config, tokens.refresh_token as string, { token_type_hint: "refresh_token" });
      expect(await oauthError(client.refreshTokenGrant(config, tokens.refresh_token as string))).toEqual({ error: "invalid_grant", status: 400 });
      await expect(client.fetchUserInfo(config, tokens.access_token, user.userId)).rejects.toMatchObject({ status: 401 });
    });

    it("signs the next authorization in without a form while the browser session lives (single sign-on)", async () => {
      const { browser } = await codeFlow(config);
      const again = await authorizationRequest(config, { prompt: "none" });
      const visit = await browser.follow(again.url, atCallback);
      const tokens = await client.authorizationCodeGrant(config, callbackOf(visit), { pkceCodeVerifier: again.verifier, expectedState: again.state, expectedNonce: again.nonce, idTokenExpected: true });
      expect(tokens.claims()?.sub).toBe(user.userId);
    });

    it("logs out with buildEndSessionUrl: back at the registered URI with the state, and prompt=none then answers login_required", async () => {
      const { browser, tokens } = await codeFlow(config);
      const state = client.randomState();
      const logout = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token as string, post_logout_redirect_uri: SIGNED_OUT, state });
      const signedOut = await browser.follow(logout, atCallback);
      expect(`${signedOut.location?.origin ?? ""}${signedOut.location?.pathname ?? ""}`).toBe(SIGNED_OUT);
      expect(signedOut.location?.searchParams.get("state")).toBe(state);

      const silent = await authorizationRequest(config, { prompt: "none" });
      const answer = callbackOf(await browser.follow(silent.url, atCallback));
      await expect(client.authorizationCodeGrant(config, answer, { pkceCodeVerifier: silent.verifier, expectedState: silent.state, expectedNonce: silent.nonce })).rejects.toMatchObject({ error: "login_required" });
      expect(await oauthError(client.refreshTokenGrant(config, tokens.refresh_token as string))).toEqual({ error: "invalid_grant", status: 400 });
    });

    it("code interception: a code redeemed with another PKCE verifier is refused with invalid_grant", async () => {
      const authorization = await authorizationRequest(config);
      const callback = await signInThroughHostedPage(new FormBrowser(), authorization);
      const stolen = client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: authorization.state, expectedNonce: authorization.nonce });
      expect(await oauthError(stolen)).toEqual({ error: "invalid_grant", status: 400 });
    });
  });

  it("validates an ES256 id_token for a client registered with id_token_signed_response_alg ES256", async () => {
    const registered = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [CALLBACK], id_token_signed_response_alg: "ES256" });
    const config = await discover(registered, client.None(), { id_token_signed_response_alg: "ES256" });
    const { tokens } = await codeFlow(config);
    expect(idTokenAlg(tokens.id_token)).toBe("ES256");
    expect(tokens.claims()?.sub).toBe(user.userId);
  });

  describe("a confidential client with client_secret_basic", () => {
    let registered: RegisteredClient;

    beforeAll(async () => {
      registered = await registerClient(tenant, { type: "confidential", first_party: true, redirect_uris: [CALLBACK] });
    });

    it("redeems the code with its secret in HTTP Basic, and its refresh token rotates", async () => {
      const config = await discover(registered, client.ClientSecretBasic(registered.client_secret));
      const { tokens } = await codeFlow(config);
      expect(tokens.claims()?.sub).toBe(user.userId);
      const rotated = await client.refreshTokenGrant(config, tokens.refresh_token as string);
      expect(rotated.refresh_token).not.toBe(tokens.refresh_token);
    });

    it("client_credentials: clientCredentialsGrant gives a token the gate forwards as the client, with its roles and no user", async () => {
      const service = await registerClient(tenant, { type: "confidential", first_party: true, redirect_uris: [CALLBACK], roles: ["reports"] });
      const config = await discover(service, client.ClientSecretBasic(service.client_secret));
      const tokens = await client.clientCredentialsGrant(config);
      expect(tokens.refresh_token).toBeUndefined();
      expect(tokens.id_token).toBeUndefined();
      const gated = await fetch(new URL("/hello", e2eStack().gateUrl), { headers: { Authorization: `Bearer ${tokens.access_token}` } });
      expect(gated.status).toBe(200);
      const { headers } = (await gated.json()) as { headers: Record<string, string | undefined> };
      expect(headers["x-portcullis-client-id"]).toBe(service.client_id);
      expect(headers["x-portcullis-client-roles"]).toBe("reports");
      expect(headers["x-user-id"]).toBeUndefined();
    });

    it("client_credentials with a guessed secret is refused with invalid_client (401)", async () => {
      const config = await discover(registered, client.ClientSecretBasic(`${registered.client_secret ?? ""}x`));
      expect(await oauthError(client.clientCredentialsGrant(config))).toEqual({ error: "invalid_client", status: 401 });
    });

    it("guessed secret: a code redeemed with the wrong client secret is refused with invalid_client (401)", async () => {
      const config = await discover(registered, client.ClientSecretBasic(`${registered.client_secret ?? ""}x`));
      const authorization = await authorizationRequest(config);
      const callback = await signInThroughHostedPage(new FormBrowser(), authorization);
      const grant = client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: authorization.verifier, expectedState: authorization.state, expectedNonce: authorization.nonce });
      expect(await oauthError(grant)).toEqual({ error: "invalid_client", status: 401 });
    });
  });
});
