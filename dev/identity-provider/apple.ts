import type { IncomingMessage, ServerResponse } from "node:http";
import { randomBytes } from "node:crypto";
import { decodeProtectedHeader, importJWK, importSPKI, jwtVerify, type CryptoKey, type JWK } from "jose";
import { readBodyOrRefuse } from "../sms/request-body";
import { sendJson } from "../support/http-server";
import { AuthorizationCodes, verifierMatches } from "./authorization-codes";
import { signIdToken, type BadTokenQueue } from "./bad-token";
import { chooseUser, readLoginForm, sendExpiredSignIn, sendLoginPage, type LoginChoice } from "./login-page";
import { escapeHtml } from "./oidc-issuer";
import { publicJwk, type PrivateSigningKey } from "./signing-keys";
import { DENY_LOGIN_HINT, type TestUser } from "./test-users";

export interface AppleClient {
  readonly clientId: string;
  readonly redirectUris: readonly string[];
  readonly teamId: string;
  readonly keyId: string;
  /** The public half of the key the client signs its client_secret JWT with: a JWK or SPKI PEM. */
  readonly publicKey: JWK | string;
}

/** Apple's own limit on a client secret's lifetime: six months. */
const MAX_CLIENT_SECRET_SECONDS = 15_777_000;
const ID_TOKEN_SECONDS = 600;

/**
 * Sign in with Apple's REST flow ("Generate and validate tokens", "Incorporating Sign in with Apple
 * into other platforms"): form_post callbacks, the `user` JSON on a user's first sign-in per
 * client, an ES256 client_secret JWT, string booleans in the id_token.
 */
export class AppleStandIn {
  readonly #clients = new Map<string, AppleClient>();
  readonly #codes = new AuthorizationCodes();
  readonly #signedInBefore = new Set<string>();
  readonly #users: ReadonlyMap<string, TestUser>;
  readonly #badTokens: BadTokenQueue;
  #key: PrivateSigningKey;

  constructor(users: ReadonlyMap<string, TestUser>, key: PrivateSigningKey, badTokens: BadTokenQueue) {
    this.#users = users;
    this.#key = key;
    this.#badTokens = badTokens;
  }

  registerClient(client: AppleClient): void {
    this.#clients.set(client.clientId, client);
  }

  hasClient(clientId: string): boolean {
    return this.#clients.has(clientId);
  }

  rotateKey(key: PrivateSigningKey): void {
    this.#key = key;
  }

  /** `path` is relative to the Apple issuer; `issuer` is its full URL. */
  async handle(request: IncomingMessage, response: ServerResponse, url: URL, path: string, issuer: string): Promise<void> {
    if (path === "/auth/authorize" && request.method === "GET") return this.#authorize(response, url, issuer);
    if (path.startsWith("/auth/interaction/") && request.method === "POST") {
      const body = await readBodyOrRefuse(request, response);
      if (body === null) return;
      return this.#finish(response, path.slice("/auth/interaction/".length), readLoginForm(body.toString("utf8"), this.#users), issuer);
    }
    if (path === "/auth/token" && request.method === "POST") return this.#token(request, response, issuer);
    if (path === "/auth/keys" && request.method === "GET") return sendJson(response, 200, { keys: [publicJwk(this.#key)] });
    if (path === "/.well-known/openid-configuration" && request.method === "GET") return sendJson(response, 200, discovery(issuer));
    sendJson(response, 404, { error: "not_found" });
  }

  #authorize(response: ServerResponse, url: URL, issuer: string): void {
    const params = url.searchParams;
    const client = this.#clients.get(params.get("client_id") ?? "");
    const redirectUri = params.get("redirect_uri") ?? "";
    if (!client || !client.redirectUris.includes(redirectUri)) {
      response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><title>Error</title><h1>invalid_client</h1><p>Unknown client or redirect_uri.</p>");
      return;
    }
    const scope = params.get("scope") ?? "";
    // Apple refuses a query response when name or email is requested.
    if (scope.trim() !== "" && params.get("response_mode") !== "form_post") {
      response.writeHead(400, { "content-type": "text/html; charset=utf-8" });
      response.end("<!doctype html><title>Error</title><h1>invalid_request</h1><p>response_mode must be form_post when scope is requested.</p>");
      return;
    }
    const id = this.#codes.begin({ clientId: client.clientId, redirectUri, state: params.get("state"), scope, nonce: params.get("nonce"), codeChallenge: params.get("code_challenge") });
    const hint = params.get("login_hint");
    if (hint) {
      const choice: LoginChoice = hint === DENY_LOGIN_HINT ? { kind: "cancel" } : chooseUser(hint, this.#users);
      if (choice.kind !== "unknown_user") return this.#finish(response, id, choice, issuer);
    }
    sendLoginPage(response, `${issuer}/auth/interaction/${id}`, "Apple", this.#users);
  }

  #finish(response: ServerResponse, id: string, choice: LoginChoice, issuer: string): void {
    if (choice.kind === "unknown_user") {
      sendLoginPage(response, `${issuer}/auth/interaction/${id}`, "Apple", this.#users, "No such test user.");
      return;
    }
    const pending = this.#codes.takePending(id);
    if (!pending) {
      sendExpiredSignIn(response);
      return;
    }
    if (choice.kind === "cancel") {
      // What Apple posts when the user cancels.
      sendFormPost(response, pending.redirectUri, { error: "user_cancelled_authorize", state: pending.state });
      return;
    }
    const { user } = choice;
    const firstTime = !this.#signedInBefore.has(`${pending.clientId}\n${user.sub}`);
    this.#signedInBefore.add(`${pending.clientId}\n${user.sub}`);
    const scopes = pending.scope.split(/\s+/);
    const userJson = firstTime && (scopes.includes("name") || scopes.includes("email"))
      ? JSON.stringify({ ...(scopes.includes("name") ? { name: { firstName: user.givenName, lastName: user.familyName } } : {}), ...(scopes.includes("email") ? { email: user.email } : {}) })
      : null;
    sendFormPost(response, pending.redirectUri, { code: this.#codes.issue(pending, user), state: pending.state, user: userJson });
  }

  async #token(request: IncomingMessage, response: ServerResponse, issuer: string): Promise<void> {
    const body = await readBodyOrRefuse(request, response);
    if (body === null) return;
    const params = new URLSearchParams(body.toString("utf8"));
    const client = this.#clients.get(params.get("client_id") ?? "");
    if (!client || !(await clientSecretValid(client, params.get("client_secret") ?? "", issuer))) {
      sendJson(response, 400, { error: "invalid_client" });
      return;
    }
    if (params.get("grant_type") !== "authorization_code") {
      sendJson(response, 400, { error: "unsupported_grant_type" });
      return;
    }
    const issued = this.#codes.redeem(params.get("code") ?? "");
    const verifier = params.get("code_verifier");
    const pkceOk = issued?.codeChallenge == null ? true : verifier !== null && verifierMatches(issued.codeChallenge, verifier);
    const redirectUri = params.get("redirect_uri");
    if (!issued || issued.clientId !== client.clientId || (redirectUri !== null && redirectUri !== issued.redirectUri) || !pkceOk) {
      sendJson(response, 400, { error: "invalid_grant" });
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const privateRelay = issued.user.email.endsWith("@privaterelay.appleid.com");
    const idToken = await signIdToken(
      {
        iss: issuer,
        aud: client.clientId,
        exp: now + ID_TOKEN_SECONDS,
        iat: now,
        sub: issued.user.sub,
        ...(issued.nonce === null ? {} : { nonce: issued.nonce }),
        nonce_supported: true,
        auth_time: now,
        email: issued.user.email,
        email_verified: String(issued.user.emailVerified),
        is_private_email: String(privateRelay),
        real_user_status: 2,
      },
      this.#key,
      this.#badTokens.take(client.clientId),
    );
    sendJson(response, 200, { access_token: `a${randomBytes(16).toString("hex")}`, token_type: "Bearer", expires_in: 3600, refresh_token: `r${randomBytes(16).toString("hex")}`, id_token: idToken });
  }
}

/** The client_secret JWT: ES256, kid = registered key id, iss = team id, sub = client id, aud = Apple's issuer, unexpired. */
async function clientSecretValid(client: AppleClient, secret: string, issuer: string): Promise<boolean> {
  try {
    const header = decodeProtectedHeader(secret);
    if (header.alg !== "ES256" || header.kid !== client.keyId) return false;
    const key: CryptoKey | Uint8Array = typeof client.publicKey === "string" ? await importSPKI(client.publicKey, "ES256") : await importJWK(client.publicKey, "ES256");
    const { payload } = await jwtVerify(secret, key, { algorithms: ["ES256"], issuer: client.teamId, subject: client.clientId, audience: issuer, requiredClaims: ["exp", "iat"] });
    return typeof payload.exp === "number" && typeof payload.iat === "number" && payload.exp - payload.iat <= MAX_CLIENT_SECRET_SECONDS;
  } catch {
    return false;
  }
}

function discovery(issuer: string): Record<string, unknown> {
  return {
    issuer,
    authorization_endpoint: `${issuer}/auth/authorize`,
    token_endpoint: `${issuer}/auth/token`,
    jwks_uri: `${issuer}/auth/keys`,
    response_types_supported: ["code", "code id_token"],
    response_modes_supported: ["query", "fragment", "form_post"],
    subject_types_supported: ["pairwise"],
    id_token_signing_alg_values_supported: ["RS256"],
    scopes_supported: ["openid", "email", "name"],
    token_endpoint_auth_methods_supported: ["client_secret_post"],
    claims_supported: ["aud", "email", "email_verified", "exp", "iat", "is_private_email", "iss", "nonce", "nonce_supported", "real_user_status", "sub", "transfer_sub"],
  };
}

/** The auto-submitting page of response_mode=form_post (OAuth 2.0 Form Post Response Mode §2). */
function sendFormPost(response: ServerResponse, target: string, fields: Record<string, string | null>): void {
  const inputs = Object.entries(fields)
    .filter((entry): entry is [string, string] => entry[1] !== null)
    .map(([name, value]) => `<input type="hidden" name="${escapeHtml(name)}" value="${escapeHtml(value)}">`)
    .join("");
  response.writeHead(200, { "content-type": "text/html; charset=utf-8", "cache-control": "no-store" });
  response.end(`<!doctype html><html><head><title>Submit</title></head><body onload="document.forms[0].submit()"><form method="post" action="${escapeHtml(target)}">${inputs}<noscript><button type="submit">Continue</button></noscript></form></body></html>`);
}
