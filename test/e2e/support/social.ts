/**
 * Social sign-in end to end, browserless: connections made through the admin API, clients
 * registered at the local identity-provider stand-in through its control API, and a sign-in
 * walked hop by hop with a cookie jar (FormBrowser) from the app's authorization request
 * through the provider and the issuer's callback back to the app, where the code is exchanged.
 * The stand-in signs a test user in without its login page when the authorization URL carries
 * `login_hint=<user>` (GitHub: `login=`; a local-only shortcut), so a test picks who signs in.
 */
import { decodeJwt } from "jose";
import { createTenant, registerClient, type E2eTenant, type RegisteredClient } from "./admin-api";
import { e2eStack } from "./e2e-context";
import { FormBrowser, type Visit } from "./form-browser";
import { authorizationRequest, exchangeCode, type TokenResponse } from "./relying-party";

export type ProviderKind = "oidc" | "google" | "microsoft" | "github" | "apple";

/** Where each provider kind lives on the stand-in, under its one origin. */
export const STAND_IN_PREFIX: Readonly<Record<ProviderKind, string>> = { oidc: "", google: "/google", microsoft: "/microsoft", github: "/github", apple: "/apple" };

export interface Connection {
  readonly connection_id: string;
  readonly provider: ProviderKind;
  readonly client_id: string;
  readonly enabled: boolean;
  readonly has_client_secret: boolean;
}

/** The redirect URI the issuer sends upstream for a connection, registered at the provider. */
export function callbackUrl(connectionId: string): string {
  return `${e2eStack().issuerUrl}/oauth2/callback/${connectionId}`;
}

export function standInUrl(): string {
  return e2eStack().identityProviderUrl;
}

// --- the admin API --------------------------------------------------------------------------

export interface AdminAnswer<T> {
  readonly status: number;
  readonly body: T;
}

export async function adminCall<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<AdminAnswer<T>> {
  const { issuerUrl, adminToken } = e2eStack();
  const response = await fetch(new URL(path, issuerUrl), {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: (text === "" ? {} : JSON.parse(text)) as T };
}

export async function createConnection(tenant: E2eTenant, fields: Readonly<Record<string, unknown>>): Promise<Connection> {
  const answer = await adminCall<Connection>("POST", `/api/admin/tenants/${tenant.id}/connections`, fields);
  if (answer.status !== 201) throw new Error(`creating a ${String(fields.provider)} connection answered ${answer.status}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

export interface TenantUser {
  readonly user_id: string;
  readonly email: string | null;
  readonly email_verified: boolean;
}

/** Every user of the tenant, as the operator's admin API lists them. */
export async function tenantUsers(tenant: E2eTenant): Promise<TenantUser[]> {
  const users: TenantUser[] = [];
  let cursor: string | null = null;
  do {
    const query: string = `/api/admin/users?tenant_id=${tenant.id}&limit=100${cursor === null ? "" : `&cursor=${encodeURIComponent(cursor)}`}`;
    const answer = await adminCall<{ users: TenantUser[]; next_cursor: string | null }>("GET", query);
    if (answer.status !== 200) throw new Error(`listing users answered ${answer.status}`);
    users.push(...answer.body.users);
    cursor = answer.body.next_cursor;
  } while (cursor !== null);
  return users;
}

// --- the stand-in's control API -------------------------------------------------------------

export type BadTokenKind = "other_key" | "other_audience" | "expired" | "alg_none" | "wrong_nonce" | "wrong_issuer";

async function control(method: "POST" | "PUT", path: string, body?: unknown): Promise<void> {
  const response = await fetch(new URL(`/_control${path}`, standInUrl()), {
    method,
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify(body ?? {}),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`the stand-in's control API answered ${response.status} to ${method} ${path}: ${text}`);
}

export interface StandInClient {
  readonly clientId: string;
  readonly clientSecret: string;
}

export interface ConnectedProvider {
  readonly connection: Connection;
  readonly standInClient: StandInClient;
}

/**
 * A connection of `tenant` to the stand-in's `provider`, and its client at the stand-in. The
 * client id and secret are ours to pick, as at a real provider's console; the callback URL
 * names the connection, so the connection is made first and the client registered after.
 */
export async function connectStandIn(
  tenant: E2eTenant,
  provider: ProviderKind,
  connectionFields: Readonly<Record<string, unknown>> = {},
  standInFields: Readonly<Record<string, unknown>> = {},
): Promise<ConnectedProvider> {
  const standInClient = { clientId: `portcullis-e2e-${crypto.randomUUID().slice(0, 12)}`, clientSecret: `secret-${crypto.randomUUID()}` };
  const secret = provider === "apple" ? {} : { client_secret: standInClient.clientSecret };
  const connection = await createConnection(tenant, { provider, client_id: standInClient.clientId, ...secret, ...connectionFields });
  await control("POST", "/clients", { provider, client_id: standInClient.clientId, ...secret, redirect_uris: [callbackUrl(connection.connection_id)], ...standInFields });
  return { connection, standInClient };
}

/** The next id_token the stand-in issues to this client is bad in the named way. */
export async function spoilNextIdToken(clientId: string, kind: BadTokenKind): Promise<void> {
  await control("POST", "/bad-token", { client_id: clientId, kind });
}

export async function rotateKeys(provider: ProviderKind): Promise<void> {
  await control("POST", "/rotate-keys", { provider });
}

/** Takes the whole stand-in (every provider on it) down or brings it back up. */
export async function setStandInDown(down: boolean): Promise<void> {
  await control("POST", down ? "/down" : "/up");
}

export interface StandInUser {
  /** What `login_hint` names the user by. */
  readonly login: string;
  readonly email: string;
}

/** A stand-in user no other test uses, with an address the provider vouches for or not. */
export async function freshStandInUser(emailVerified: boolean, label = "fed"): Promise<StandInUser> {
  const email = `${label}-${crypto.randomUUID().slice(0, 12)}@example.com`;
  await control("PUT", "/users", { login: email, email, email_verified: emailVerified, name: "Fed Erated" });
  return { login: email, email };
}

// --- one sign-in, hop by hop ----------------------------------------------------------------

/** A connection's tenant with one public app (redirect URI on the app's own loopback origin). */
export interface SocialFixture {
  readonly tenant: E2eTenant;
  readonly client: RegisteredClient;
  readonly redirectUri: string;
}

/** The app's callback never answers in these tests: the walk stops before it, so a throwaway origin is enough. */
const APP_ORIGIN = "http://127.0.0.1:9";

export async function socialFixture(label: string, settings: Readonly<Record<string, unknown>> = {}): Promise<SocialFixture> {
  const tenant = await createTenant({ sign_in_methods: ["password", "email_otp"], ...settings }, label);
  const redirectUri = `${APP_ORIGIN}/callback`;
  const client = await registerClient(tenant, { type: "public", first_party: true, redirect_uris: [redirectUri] });
  return { tenant, client, redirectUri };
}

export interface UpstreamLeg {
  readonly browser: FormBrowser;
  /** The issuer's authorization request (the app's state and PKCE verifier). */
  readonly appState: string;
  readonly verifier: string;
  /** The provider's authorization URL the issuer redirected to. */
  readonly providerAuthorization: URL;
}

/** The app sends the browser to `/oauth2/authorize?connection=`; the issuer redirects it to the provider. */
export async function startAtApp(fixture: SocialFixture, connection: Connection, browser = new FormBrowser()): Promise<UpstreamLeg> {
  const request = await authorizationRequest(fixture.client, fixture.redirectUri, { connection: connection.connection_id });
  const toProvider = await browser.follow(request.url, (next) => next.origin === new URL(standInUrl()).origin);
  if (toProvider.location === null || toProvider.location.origin !== new URL(standInUrl()).origin) {
    throw new Error(`the issuer did not send the browser to the provider: ${toProvider.status} ${toProvider.url.href}\n${toProvider.html.slice(0, 500)}`);
  }
  return { browser, appState: request.state, verifier: request.verifier, providerAuthorization: toProvider.location };
}

/**
 * The provider signs `user` in (login_hint) and sends the browser back towards the issuer's
 * callback. Returns the request the browser is about to make there: a GET URL, or for Apple's
 * form_post the auto-submitting form page (to be submitted by `deliverCallback`).
 */
export type CallbackDelivery = { readonly kind: "redirect"; readonly url: URL } | { readonly kind: "form_post"; readonly page: Visit };

export async function signInAtProvider(leg: UpstreamLeg, user: string): Promise<CallbackDelivery> {
  const authorize = new URL(leg.providerAuthorization);
  // GitHub's own parameter for a suggested account is `login`; the others take OpenID's `login_hint`.
  authorize.searchParams.set(authorize.pathname.endsWith("/github/login/oauth/authorize") ? "login" : "login_hint", user);
  const issuerOrigin = new URL(e2eStack().issuerUrl).origin;
  const answer = await leg.browser.follow(authorize, (next) => next.origin === issuerOrigin);
  if (answer.location !== null && answer.location.origin === issuerOrigin) return { kind: "redirect", url: answer.location };
  if (answer.status === 200 && /<form\b[^>]*method="post"/i.test(answer.html) && answer.html.includes("/oauth2/callback/")) return { kind: "form_post", page: answer };
  throw new Error(`the provider did not send the browser back: ${answer.status} ${answer.url.href}\n${answer.html.slice(0, 500)}`);
}

/** The browser arrives at the issuer's callback; the walk stops where the app's callback would take over. */
export async function deliverCallback(leg: UpstreamLeg, delivery: CallbackDelivery, browser = leg.browser): Promise<Visit> {
  const atApp = (next: URL) => next.origin === APP_ORIGIN;
  if (delivery.kind === "redirect") return browser.follow(delivery.url, atApp);
  return browser.submit(delivery.page, {}, atApp);
}

export interface SignedIn {
  readonly tokens: TokenResponse;
  readonly claims: Record<string, unknown>;
  readonly me: Me;
}

export interface Me {
  readonly user_id: string;
  readonly email: string | null;
  readonly email_verified: boolean;
  readonly identities: readonly { readonly provider: string; readonly email: string | null; readonly linked_at: string }[];
  readonly metadata?: Record<string, unknown>;
  readonly name?: string | null;
}

/** The app receives the code at its redirect URI, checks its state and exchanges the code. */
export async function finishAtApp(fixture: SocialFixture, leg: UpstreamLeg, landed: Visit): Promise<SignedIn> {
  const location = landed.location;
  if (location === null || !location.href.startsWith(fixture.redirectUri)) {
    throw new Error(`the issuer did not send the browser back to the app: ${landed.status} ${landed.url.pathname}\n${landed.html.slice(0, 800)}`);
  }
  if (location.searchParams.get("state") !== leg.appState) throw new Error("the app's state did not come back");
  const code = location.searchParams.get("code");
  if (code === null) throw new Error(`no code at the app: ${location.search}`);
  const tokens = await exchangeCode(fixture.client, fixture.redirectUri, code, leg.verifier);
  return { tokens, claims: decodeJwt(tokens.id_token), me: await me(tokens.access_token) };
}

/** A whole sign-in of `user` through `connection`, from the app and back to it. */
export async function signIn(fixture: SocialFixture, connection: Connection, user: string): Promise<SignedIn> {
  const leg = await startAtApp(fixture, connection);
  const delivery = await signInAtProvider(leg, user);
  return finishAtApp(fixture, leg, await deliverCallback(leg, delivery));
}

export async function me(accessToken: string): Promise<Me> {
  const response = await fetch(new URL("/api/auth/me", e2eStack().issuerUrl), { headers: { Authorization: `Bearer ${accessToken}` } });
  const text = await response.text();
  if (response.status !== 200) throw new Error(`/api/auth/me answered ${response.status}: ${text}`);
  return JSON.parse(text) as Me;
}

/** A callback URL with one query parameter replaced (a forged state, another code). */
export function withParameter(delivery: CallbackDelivery, name: string, value: string): CallbackDelivery {
  if (delivery.kind === "redirect") {
    const url = new URL(delivery.url);
    url.searchParams.set(name, value);
    return { kind: "redirect", url };
  }
  const html = delivery.page.html.replace(new RegExp(`(name="${name}"[^>]*value=")[^"]*(")`), `$1${value}$2`);
  return { kind: "form_post", page: { ...delivery.page, html } };
}

/** A fresh random value shaped like the issuer's own state. */
export function randomState(): string {
  return Buffer.from(crypto.getRandomValues(new Uint8Array(32))).toString("base64url");
}

export { createTenant };
