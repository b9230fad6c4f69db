/**
 * The demo web app of `npm run dev`: a relying party of the issuer, as a web developer would
 * write one with `openid-client`. `/` links to `/sign-in`, which starts the authorization code
 * flow with PKCE (verifier, state and nonce in an HttpOnly cookie) and sends the browser to the
 * hosted login page; `/callback` redeems the code (the library validates the id_token), shows
 * who signed in, calls an API through the gate with the access token, and links to sign-out
 * (RP-Initiated Logout). It keeps no session of its own: each callback page shows one sign-in.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import * as client from "openid-client";
import { listen, type RunningServer } from "../../dev/support/http-server";
import { demoRedirectUris } from "./provision";

export interface DemoAppOptions {
  /** 0 picks a free port; the server listens on 127.0.0.1. */
  readonly port: number;
  /**
   * The loopback name the app is reached by: the other one than the issuer's (`localhost` when
   * the issuer is on 127.0.0.1), because browsers share cookies across ports of one host.
   */
  readonly host: "127.0.0.1" | "localhost";
  readonly issuerUrl: string;
  readonly gateUrl: string;
  readonly clientId: string;
}

export interface DemoApp {
  /** The app's URL, without a trailing slash. */
  readonly url: string;
  close(): Promise<void>;
}

const FLOW_COOKIE = "demo_flow";
/** Long enough to sign in on the hosted page, short enough that a forgotten flow does not linger. */
const FLOW_MAX_AGE_SECONDS = 600;
/** The gate's demo route: the origin stand-in behind it echoes what it received. */
const API_PATH = "/demo-api/profile";

interface Flow {
  readonly verifier: string;
  readonly state: string;
  readonly nonce: string;
}

export async function startDemoApp(options: DemoAppOptions): Promise<DemoApp> {
  let discovered: Promise<client.Configuration> | null = null;
  const configuration = () => {
    // `allowInsecureRequests`: the local issuer speaks plain http on loopback; against an https issuer it is not needed.
    // eslint-disable-next-line @typescript-eslint/no-deprecated -- deprecated only to stand out: plain http on loopback is the one place it belongs
    discovered ??= client.discovery(new URL(options.issuerUrl), options.clientId, undefined, client.None(), { execute: [client.allowInsecureRequests] });
    discovered.catch(() => (discovered = null));
    return discovered;
  };
  let appUrl = "";
  const server: RunningServer = await listen((request, response) => handle(request, response), { port: options.port });
  appUrl = `http://${options.host}:${server.port}`;
  const uris = () => demoRedirectUris(appUrl);

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", appUrl);
    if (request.method !== "GET") return page(response, 405, "Not allowed", "<p>This app only answers GET.</p>");
    if (url.pathname === "/") return home(response);
    if (url.pathname === "/sign-in") return signIn(response);
    if (url.pathname === "/callback") return callback(request, response, url);
    return page(response, 404, "Not found", `<p><a href="/">Back to the demo app</a></p>`);
  }

  function home(response: ServerResponse): void {
    page(response, 200, "Portcullis demo app", [
      "<p>A web app that signs people in through the issuer's hosted login page (OpenID Connect, code + PKCE).</p>",
      `<p><a id="sign-in" href="/sign-in">Sign in</a></p>`,
    ].join(""));
  }

  async function signIn(response: ServerResponse): Promise<void> {
    const config = await configuration();
    const flow: Flow = { verifier: client.randomPKCECodeVerifier(), state: client.randomState(), nonce: client.randomNonce() };
    const target = client.buildAuthorizationUrl(config, {
      redirect_uri: uris().redirect_uris[0] as string,
      scope: "openid profile email phone",
      code_challenge: await client.calculatePKCECodeChallenge(flow.verifier),
      code_challenge_method: "S256",
      state: flow.state,
      nonce: flow.nonce,
    });
    const cookie = `${FLOW_COOKIE}=${Buffer.from(JSON.stringify(flow)).toString("base64url")}; HttpOnly; SameSite=Lax; Path=/; Max-Age=${FLOW_MAX_AGE_SECONDS}`;
    response.writeHead(303, { Location: target.href, "Set-Cookie": cookie, "Cache-Control": "no-store" });
    response.end();
  }

  async function callback(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    const flow = flowOf(request.headers.cookie);
    const clear = `${FLOW_COOKIE}=; HttpOnly; SameSite=Lax; Path=/; Max-Age=0`;
    if (flow === null) return page(response, 400, "Sign-in not started here", `<p>This browser did not start a sign-in on this app (or it took too long). <a href="/">Start again</a>.</p>`);
    const config = await configuration();
    let tokens: Awaited<ReturnType<typeof client.authorizationCodeGrant>>;
    try {
      tokens = await client.authorizationCodeGrant(config, url, { pkceCodeVerifier: flow.verifier, expectedState: flow.state, expectedNonce: flow.nonce, idTokenExpected: true });
    } catch (error) {
      const reason = error instanceof client.AuthorizationResponseError || error instanceof client.ResponseBodyError ? `${error.error}: ${error.error_description ?? ""}` : error instanceof Error ? error.message : "unknown error";
      return page(response, 400, "Sign-in failed", `<p>The sign-in could not be completed (${escapeHtml(reason)}). <a href="/">Start again</a>.</p>`, { "Set-Cookie": clear });
    }
    const claims: Record<string, unknown> = tokens.claims() ?? {};
    const api = await fetch(new URL(API_PATH, options.gateUrl), { headers: { Authorization: `Bearer ${tokens.access_token}` } });
    const apiBody = await api.text();
    const signOut = client.buildEndSessionUrl(config, { id_token_hint: tokens.id_token ?? "", post_logout_redirect_uri: uris().post_logout_redirect_uris[0] as string });
    const rows = ["sub", "email", "email_verified", "phone_number", "name", "amr", "auth_time"]
      .filter((name) => claims[name] !== undefined)
      .map((name) => `<tr><th>${name}</th><td>${escapeHtml(JSON.stringify(claims[name]))}</td></tr>`)
      .join("");
    page(response, 200, "Signed in", [
      `<p id="who">Signed in as <strong>${escapeHtml(String(claims.email ?? claims.phone_number ?? claims.sub))}</strong> (user <code>${escapeHtml(String(claims.sub))}</code>).</p>`,
      `<h2>id_token claims</h2><table>${rows}</table>`,
      `<h2>An API behind the gate</h2><p id="gate-status">GET ${escapeHtml(API_PATH)} with the access token: the gate answered ${api.status}.</p>`,
      `<pre>${escapeHtml(apiBody.slice(0, 4000))}</pre>`,
      `<p><a id="sign-out" href="${escapeHtml(signOut.href)}">Sign out</a> (ends the sign-in at the issuer too)</p>`,
    ].join(""), { "Set-Cookie": clear });
  }

  return { url: appUrl, close: () => server.close() };
}

function flowOf(cookieHeader: string | undefined): Flow | null {
  const raw = (cookieHeader ?? "").split(";").map((part) => part.trim()).find((part) => part.startsWith(`${FLOW_COOKIE}=`))?.slice(FLOW_COOKIE.length + 1);
  if (!raw) return null;
  try {
    const flow = JSON.parse(Buffer.from(raw, "base64url").toString()) as Partial<Flow>;
    return typeof flow.verifier === "string" && typeof flow.state === "string" && typeof flow.nonce === "string" ? (flow as Flow) : null;
  } catch {
    return null;
  }
}

function page(response: ServerResponse, status: number, title: string, body: string, headers: Record<string, string> = {}): void {
  const html = `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title></head><body><h1>${escapeHtml(title)}</h1>${body}</body></html>`;
  response.writeHead(status, {
    "Content-Type": "text/html; charset=utf-8",
    // The callback URL carries the code: no page of this app leaks its address or loads anything.
    "Content-Security-Policy": "default-src 'none'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
    ...headers,
  });
  response.end(html);
}

function escapeHtml(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}
