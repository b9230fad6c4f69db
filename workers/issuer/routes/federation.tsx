import type { Hono } from "hono";
import { deleteCookie, getCookie, setCookie } from "hono/cookie";
import { z } from "zod";
import { isId } from "../../../shared/crypto/ids";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { ConnectionRecord } from "../../../shared/ports/connection-store";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import { MessagePage } from "../pages/message-page";
import { newNonce } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { authorizationResponse, checkAuthorizationRequest } from "../services/oauth/authorization-request";
import { connectionServes, providerLabel } from "../services/federation/connection-buttons";
import { federatedSignIn, type FederatedSignInDeps } from "../services/federation/federated-sign-in";
import { linkProvedIdentity, type IdentityLinkingDeps } from "../services/federation/identity-linking";
import { spendCallback, upstreamProfile, type CallbackDeps, type CallbackFailure, type SpentCallback } from "../services/federation/upstream-callback";
import { startUpstream, UPSTREAM_REQUEST_TTL_SECONDS, type UpstreamStartDeps } from "../services/federation/upstream-start";
import type { FederationDeps } from "../services/federation/upstream";
import { settingsOf } from "./auth-context";
import { csrfAccepted, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, singleValues, type PageContext } from "./hosted-page";
import { errorPage, loginPageWithMessage, pageSignedIn, pageTenant, policyFor, type PageTenant } from "./login-page";
import { secondStepDeps } from "./second-factor-deps";

const NO_FORMS = { logoOrigin: null, formTargets: [] } as const;

export const startForm = z.strictObject({
  csrf: z.string().max(128),
  key: z.string().min(1).max(128).optional(),
  request: z.string().min(1).max(MAX_REQUEST_LENGTH).optional(),
  account: z.string().min(1).max(64).optional(),
});

/** What the upstream request remembers of the page that started it, to come back to it. */
const returnToSchema = z.strictObject({ name: z.enum(["request", "key", "account"]), value: z.string().min(1).max(MAX_REQUEST_LENGTH) });

/** The callback's parameters: one value each, none longer than any real provider sends. */
const callbackParameters = z.object({
  state: z.string().max(256).optional(),
  code: z.string().min(1).max(4096).optional(),
  error: z.string().max(256).optional(),
  iss: z.string().max(2048).optional(),
  /** Apple's form_post: the user's name and address, on the first sign-in only. */
  user: z.string().max(4096).optional(),
});

export function federationDeps(deps: IssuerDeps): FederationDeps {
  // The global fetch, called through a wrapper so workerd never sees it detached from its receiver.
  return { endpoints: deps.config.federation, keyEncryptionSecret: deps.config.keyEncryptionSecret, fetch: (input, init) => fetch(input, init), now: () => new Date() };
}

function startDeps(deps: IssuerDeps): UpstreamStartDeps {
  return { federation: federationDeps(deps), upstreamRequests: deps.upstreamRequests, keyEncryptionSecret: deps.config.keyEncryptionSecret, issuerUrl: deps.config.issuerUrl };
}

function callbackDeps(deps: IssuerDeps): CallbackDeps {
  return {
    ...startDeps(deps),
    connections: deps.connections,
    tenantOf: async (tenantId) => {
      const tenant = await deps.tenants.find(tenantId);
      return tenant === null ? null : { tenant, settings: settingsOf(tenant, deps) };
    },
  };
}

function signInDeps(deps: IssuerDeps): FederatedSignInDeps {
  return { ...secondStepDeps(deps), identities: deps.identities, federatedUsers: deps.federatedUsers, accounts: deps.accounts, keyEncryptionSecret: deps.config.keyEncryptionSecret };
}

export function identityLinkingDeps(deps: IssuerDeps): IdentityLinkingDeps {
  return { identities: deps.identities, users: deps.users, passkeys: deps.passkeys, keyEncryptionSecret: deps.config.keyEncryptionSecret };
}

/**
 * The browser-binding cookie: the random value whose hash the upstream request keeps. Over
 * https it is `__Host-` and SameSite=None, because Apple answers with a cross-site form POST
 * that a Lax cookie would not come with; over plain http (the local stack, one site) it is Lax.
 */
function bindingCookie(issuerUrl: string): { readonly name: string; readonly secure: boolean } {
  const secure = new URL(issuerUrl).protocol === "https:";
  return { name: secure ? "__Host-portcullis_federation" : "portcullis_federation", secure };
}

/**
 * Sends the browser to the provider, with the binding cookie set. A provider that cannot be
 * reached for its metadata gets an error page, and nothing is stored.
 */
export async function beginUpstream(c: PageContext, strings: Strings, connection: ConnectionRecord, request: { readonly purpose: "sign_in" | "link"; readonly userId: string | null; readonly returnTo: PageTenant["ref"] }): Promise<Response> {
  const deps = c.get("deps");
  const started = await startUpstream(startDeps(deps), connection, { purpose: request.purpose, userId: request.userId, returnTo: JSON.stringify(request.returnTo) }, new Date());
  if (!started.ok) {
    deps.logger.warn("upstream_start_failed", { connection_id: connection.id, kind: started.error.kind });
    return providerProblemPage(c, strings, connection, started.error.kind === "provider_unavailable" ? "provider_unavailable" : "provider_failed");
  }
  const cookie = bindingCookie(deps.config.issuerUrl);
  setCookie(c, cookie.name, started.value.bindingValue, { path: "/", httpOnly: true, secure: cookie.secure, sameSite: cookie.secure ? "None" : "Lax", maxAge: UPSTREAM_REQUEST_TTL_SECONDS });
  return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, started.value.location);
}

/** The connection a page of `tenant` may start: one of its own that serves it; else the page's refusal. */
export async function startableConnection(deps: IssuerDeps, tenant: PageTenant, connectionId: string): Promise<ConnectionRecord | "unavailable" | "disabled"> {
  const connection = isId("con", connectionId) ? await deps.connections.find(connectionId) : null;
  if (connection === null || connection.tenantId !== tenant.tenant.id) return "unavailable";
  return connectionServes(tenant.settings, connection) ? connection : "disabled";
}

/**
 * `POST /login/connection/:id` (a login or sign-up page's button, CSRF-checked like every page
 * form) and `GET|POST /oauth2/callback/:id` (where the provider sends the browser back; POST
 * for Apple's form_post).
 */
export function federationRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/login/connection/:id", {
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], 400);
      const parsed = startForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const tenant = await pageTenant(c, form.request, form.key, form.account);
      if (tenant === null) return errorPage(c, strings, strings.missingTenant, 400);
      const connection = await startableConnection(c.get("deps"), tenant, c.req.param("id") ?? "");
      if (connection === "unavailable") return errorPage(c, strings, strings.federation.connectionUnavailable, 400);
      if (connection === "disabled") return errorPage(c, strings, strings.federation.methodDisabled, 403);
      return beginUpstream(c, strings, connection, { purpose: "sign_in", userId: null, returnTo: tenant.ref });
    },
  });

  // Apple's form_post arrives as a cross-site POST, which can carry no CSRF token of ours. It
  // needs none: the single-use `state` and the binding cookie it must match are that defence.
  resource(app, "/oauth2/callback/:id", { GET: (c) => callback(c), POST: (c) => callback(c) });
}

async function callbackParametersOf(c: PageContext): Promise<z.infer<typeof callbackParameters> | null> {
  let values: Record<string, string | string[]>;
  if (c.req.method === "POST") {
    const body = await readFormBody(c);
    if (!body.ok) return null;
    values = singleValues(body.value);
  } else {
    values = singleValues(new URL(c.req.url).searchParams);
  }
  const parsed = callbackParameters.safeParse(values);
  return parsed.success ? parsed.data : null;
}

async function callback(c: PageContext): Promise<Response> {
  const deps = c.get("deps");
  const audit = c.get("audit");
  const strings = stringsFor(undefined);
  const cookie = bindingCookie(deps.config.issuerUrl);
  const bindingValue = getCookie(c, cookie.name);
  // Whatever happens next, this browser's binding is used up with the state.
  deleteCookie(c, cookie.name, { path: "/", secure: cookie.secure });
  const parameters = await callbackParametersOf(c);
  const connectionId = c.req.param("id") ?? "";
  if (parameters === null || !isId("con", connectionId)) return callbackRefusal(c, strings, { kind: "invalid_state" }, null);
  // Loaded before the state is spent: a database outage then leaves the sign-in to retry.
  const signer = await deps.signingKeys.currentSigner();
  const now = new Date();
  const spent = await spendCallback(callbackDeps(deps), connectionId, parameters.state ?? null, bindingValue, now);
  if (!spent.ok) return callbackRefusal(c, strings, spent.error, null);
  const { connection, tenant, request } = spent.value;
  if (parameters.error !== undefined) return providerDenied(c, strings, spent.value, parameters.error);
  if (parameters.code === undefined) return callbackRefusal(c, strings, { kind: "provider_failed", detail: "the callback carried neither code nor error" }, spent.value);
  const profile = await upstreamProfile(callbackDeps(deps), spent.value, { code: parameters.code, iss: parameters.iss ?? null, appleUser: parameters.user ?? null });
  if (!profile.ok) return callbackRefusal(c, strings, profile.error, spent.value);

  if (request.purpose === "link") {
    const linked = await linkProvedIdentity(identityLinkingDeps(deps), audit, spent.value, profile.value, now);
    const label = providerLabel(connection);
    if (!linked.ok) return accountMessage(c, strings, tenant.settings, linked.error === "identity_taken" ? strings.federation.linkTaken(label) : strings.federation.signedOutWhileLinking, linked.error === "identity_taken" ? 409 : 401);
    return pageRedirect(c, policyFor(null, newNonce()), "/account");
  }

  const page = await returnPage(c, spent.value);
  if (page === null) return errorPage(c, strings, strings.missingTenant, 400);
  const answer = await federatedSignIn(signInDeps(deps), audit, c.get("context"), tenant, { signer, connection, profile: profile.value }, now);
  if (!answer.ok) return loginPageWithMessage(c, strings, page, answer.error.reason === "user_disabled" ? strings.federation.userDisabled : strings.errors[answer.error.reason], answer.error.reason === "user_disabled" ? 403 : 400);
  return pageSignedIn(c, strings, page, answer.value);
}

/** The page the sign-in started from, for the same tenant; null when it no longer names one (an authorization request gone stale). */
async function returnPage(c: PageContext, spent: SpentCallback): Promise<PageTenant | null> {
  if (spent.request.returnTo === null) return null;
  let ref: z.infer<typeof returnToSchema>;
  try {
    const parsed = returnToSchema.safeParse(JSON.parse(spent.request.returnTo));
    if (!parsed.success) return null;
    ref = parsed.data;
  } catch {
    return null;
  }
  const page = await pageTenant(c, ref.name === "request" ? ref.value : undefined, ref.name === "key" ? ref.value : undefined, ref.name === "account" ? ref.value : undefined);
  return page !== null && page.tenant.id === spent.tenant.tenant.id ? page : null;
}

/** The provider's words for "the person said no": OAuth's own, and Apple's when the person cancels its sheet. */
const USER_REFUSALS: ReadonlySet<string> = new Set(["access_denied", "user_cancelled_authorize"]);

/**
 * RFC 6749 §4.1.2.1 for the provider's own refusal: inside an authorization request the app
 * gets `access_denied` (a user who said no), `temporarily_unavailable` as the provider said it,
 * or `server_error` for anything else; outside one, the login page says it plainly.
 */
async function providerDenied(c: PageContext, strings: Strings, spent: SpentCallback, providerError: string): Promise<Response> {
  const deps = c.get("deps");
  const label = providerLabel(spent.connection);
  c.get("audit").record("auth.federated_sign_in", "failure", { tenantId: spent.tenant.tenant.id, userId: spent.request.userId, details: { connection_id: spent.connection.id, provider: spent.connection.provider, reason: "provider_refused", provider_error: providerError.slice(0, 64) } });
  if (spent.request.purpose === "link") return accountMessage(c, strings, spent.tenant.settings, strings.federation.linkDenied(label), 400);
  const page = await returnPage(c, spent);
  if (page === null) return errorPage(c, strings, strings.federation.denied(label), 400);
  if (page.ref.name === "request") {
    const check = await checkAuthorizationRequest(deps, new URLSearchParams(page.ref.value));
    if (check.kind === "valid") {
      const error = USER_REFUSALS.has(providerError) ? "access_denied" : providerError === "temporarily_unavailable" ? "temporarily_unavailable" : "server_error";
      const description = error === "access_denied" ? `The user did not sign in with ${label}.` : `${label} could not complete the sign-in.`;
      return pageRedirect(c, { nonce: newNonce(), ...NO_FORMS }, authorizationResponse(check.request.redirectUri, deps.config.issuerUrl, check.request.state, { error, error_description: description }));
    }
  }
  return loginPageWithMessage(c, strings, page, strings.federation.denied(label));
}

function callbackRefusal(c: PageContext, strings: Strings, failure: CallbackFailure, spent: SpentCallback | null): Promise<Response> {
  if (spent !== null) {
    c.get("audit").record("auth.federated_sign_in", "failure", { tenantId: spent.tenant.tenant.id, userId: spent.request.userId, details: { connection_id: spent.connection.id, provider: spent.connection.provider, reason: failure.kind, ...("detail" in failure ? { detail: failure.detail } : {}) } });
  }
  switch (failure.kind) {
    case "invalid_state":
      return errorPage(c, strings, strings.federation.invalidState, 400);
    case "connection_unavailable":
      return errorPage(c, strings, strings.federation.connectionUnavailable, 400);
    case "method_disabled":
      return errorPage(c, strings, strings.federation.methodDisabled, 403);
    case "provider_unavailable":
    case "provider_failed":
      return providerProblemPage(c, strings, spent?.connection ?? null, failure.kind);
  }
}

/** 503 when the provider could not be reached, 502 when it answered something we refuse. */
function providerProblemPage(c: PageContext, strings: Strings, connection: ConnectionRecord | null, kind: "provider_unavailable" | "provider_failed"): Promise<Response> {
  const label = connection === null ? "The provider" : providerLabel(connection);
  const nonce = newNonce();
  const message = kind === "provider_unavailable" ? strings.federation.providerUnavailable(label) : strings.federation.providerFailed(label);
  return htmlPage(c, { nonce, ...NO_FORMS }, <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={null} nonce={nonce} />, kind === "provider_unavailable" ? 503 : 502);
}

function accountMessage(c: PageContext, strings: Strings, settings: PageTenant["settings"], message: string, status: 400 | 401 | 409): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, { nonce, ...NO_FORMS }, <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={settings} nonce={nonce} />, status);
}
