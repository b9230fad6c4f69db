/**
 * A web app as small as an OAuth client can be, for the browser flows: a loopback listener whose
 * `/callback` is the registered redirect URI (it answers a plain page and records what arrived),
 * authorization requests with PKCE S256, state and nonce, and the code exchange from the app's
 * back end.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { RegisteredClient } from "./admin-api";
import { e2eStack } from "./e2e-context";

export interface CallbackListener {
  /** `http://127.0.0.1:<port>`: loopback http, which the issuer allows for redirect URIs. */
  readonly origin: string;
  readonly redirectUri: string;
  readonly postLogoutUri: string;
  /** The query of every request that reached `/callback`, oldest first. */
  readonly arrivals: readonly URLSearchParams[];
  close(): Promise<void>;
}

const CALLBACK_PAGE = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Demo app</title></head><body><main><h1>Back in the demo app</h1></main></body></html>`;

export async function startCallbackListener(): Promise<CallbackListener> {
  const arrivals: URLSearchParams[] = [];
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? "/", "http://127.0.0.1");
    if (url.pathname === "/callback") arrivals.push(url.searchParams);
    if (url.pathname === "/callback" || url.pathname === "/signed-out") {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", "Content-Security-Policy": "default-src 'none'" });
      response.end(CALLBACK_PAGE);
      return;
    }
    response.writeHead(404, { "Content-Type": "text/plain" });
    response.end("not found");
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    origin,
    redirectUri: `${origin}/callback`,
    postLogoutUri: `${origin}/signed-out`,
    arrivals,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

export interface AuthorizationRequest {
  readonly url: URL;
  readonly state: string;
  readonly nonce: string;
  readonly verifier: string;
}

/** `/oauth2/authorize` for `client`, as an OIDC library would build it. */
export async function authorizationRequest(client: RegisteredClient, redirectUri: string, extra: Readonly<Record<string, string>> = {}): Promise<AuthorizationRequest> {
  const verifier = randomToken();
  const state = randomToken();
  const nonce = randomToken();
  const challenge = base64url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const url = new URL("/oauth2/authorize", e2eStack().issuerUrl);
  const params = { response_type: "code", client_id: client.client_id, redirect_uri: redirectUri, scope: "openid", state, nonce, code_challenge: challenge, code_challenge_method: "S256", ...extra };
  for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value);
  return { url, state, nonce, verifier };
}

export interface TokenResponse {
  readonly access_token: string;
  readonly id_token: string;
  readonly token_type: string;
  readonly refresh_token?: string;
}

/** The app's back end trades the code for tokens (a public client: PKCE and its id, no secret). */
export async function exchangeCode(client: RegisteredClient, redirectUri: string, code: string, verifier: string): Promise<TokenResponse> {
  const response = await fetch(new URL("/oauth2/token", e2eStack().issuerUrl), {
    method: "POST",
    headers: { "Content-Type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ grant_type: "authorization_code", code, redirect_uri: redirectUri, client_id: client.client_id, code_verifier: verifier }),
  });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`the token endpoint answered ${response.status}: ${text}`);
  return JSON.parse(text) as TokenResponse;
}

/** What the gate answers to a request for the demo origin with `accessToken`. */
export async function gateStatus(accessToken: string): Promise<number> {
  const response = await fetch(new URL("/", e2eStack().gateUrl), { headers: { Authorization: `Bearer ${accessToken}` } });
  await response.body?.cancel();
  return response.status;
}

function randomToken(): string {
  return base64url(crypto.getRandomValues(new Uint8Array(32)));
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
