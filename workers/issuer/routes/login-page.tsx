import type { Hono } from "hono";
import { z } from "zod";
import type { Failure } from "../../../shared/errors/failure";
import type { Result } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { LoginPage, type LoginStep } from "../pages/login-page";
import { MessagePage } from "../pages/message-page";
import { SignupPage } from "../pages/signup-page";
import { signUp } from "../services/sign-up";
import { logoOrigin, newNonce, type PagePolicy } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { openBrowserSession, signInOf } from "../services/browser-session";
import { verifySecondFactor } from "../services/mfa-verify";
import { passwordLogin } from "../services/password-login";
import { requestCode, verifyCode, type SignInTenant } from "../services/phone-sign-in";
import type { MfaRequired, SignInAnswer } from "../services/second-step";
import { requestEmailSignIn, verifyEmailCode } from "../services/email-sign-in";
import { passkeyLoginOptions, passkeySignIn } from "../services/passkeys/passkey-sign-in";
import { secondStepPasskeyOptions } from "../services/second-step-passkey";
import { accountDeps } from "./accounts";
import { passkeyDeps } from "./passkeys";
import { emailSignInDeps } from "./email-sign-in";
import { isId } from "../../../shared/crypto/ids";
import type { TenantRefName } from "../pages/login-page";
import { checkAuthorizationRequest } from "../services/oauth/authorization-request";
import { settingsOf, signInDeps, tenantByKey } from "./auth-context";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, setSessionCookie, singleValues, type PageContext } from "./hosted-page";
import { mfaVerifyDeps } from "./second-factor-deps";
import { buttonOrigins, connectionButtons, type ConnectionButton } from "../services/federation/connection-buttons";

const text = (max: number) => z.string().max(max);
/** An assertion's JSON, well above any real one (the credential schema bounds each part). */
const MAX_CREDENTIAL_LENGTH = 16_384;
const ref = { csrf: text(128), key: z.string().min(1).max(128).optional(), request: z.string().min(1).max(MAX_REQUEST_LENGTH).optional(), account: z.string().min(1).max(64).optional() };
export const loginForm = z.discriminatedUnion("step", [
  z.strictObject({ step: z.literal("password"), ...ref, email: text(320), password: text(1024) }),
  z.strictObject({ step: z.literal("phone_request"), ...ref, phone: text(32) }),
  z.strictObject({ step: z.literal("phone_verify"), ...ref, phone: text(32), code: text(16) }),
  z.strictObject({ step: z.literal("email_request"), ...ref, email: text(320) }),
  z.strictObject({ step: z.literal("passkey_start"), ...ref }),
  z.strictObject({ step: z.literal("passkey"), ...ref, challenge_id: text(128), credential: text(MAX_CREDENTIAL_LENGTH) }),
  z.strictObject({ step: z.literal("second_factor_passkey_start"), ...ref, mfa_token: text(128) }),
  z.strictObject({ step: z.literal("second_factor_passkey"), ...ref, mfa_token: text(128), challenge_id: text(128), credential: text(MAX_CREDENTIAL_LENGTH) }),
  z.strictObject({ step: z.literal("email_verify"), ...ref, email: text(320), code: text(16) }),
  z.strictObject({ step: z.literal("second_factor"), ...ref, mfa_token: text(128), code: text(16).optional(), recovery_code: text(64).optional() }),
]);
type LoginForm = z.infer<typeof loginForm>;
export const signupForm = z.strictObject({ ...ref, email: text(320), password: text(1024) });

/** Which field a refusal concerns, so the page can put the message beside it. */
const FIELD_OF: Partial<Record<Failure["reason"], string>> = {
  invalid_email: "email",
  invalid_credentials: "password",
  weak_password: "password",
  invalid_phone: "phone",
  phone_not_allowed: "phone",
  invalid_code: "code",
  code_expired: "code",
  invalid_credential: "code",
};

/** The tenant a page serves, how its forms name it, and (for an authorization request) where the sign-in continues. */
export interface PageTenant extends SignInTenant {
  readonly ref: { readonly name: TenantRefName; readonly value: string };
  readonly continueTo: string | null;
  /** A sign-in form's answer redirects on to the app; form-action must allow its origin. */
  readonly formTargets: readonly string[];
}

export function policyFor(tenant: PageTenant | null, nonce: string): PagePolicy {
  return { nonce, logoOrigin: logoOrigin(tenant?.settings.branding.logo_url), formTargets: tenant?.formTargets ?? [] };
}

/**
 * A page learns its tenant from the pending authorization request (checked again here, so a
 * tampered one names nothing) or from a publishable key (public by design).
 */
export async function pageTenant(c: PageContext, request: string | undefined, key: string | undefined, account?: string): Promise<PageTenant | null> {
  const deps = c.get("deps");
  if (account !== undefined) return accountPageTenant(c, account);
  if (request !== undefined && request.length <= MAX_REQUEST_LENGTH) {
    const query = new URLSearchParams(request);
    const check = await checkAuthorizationRequest(deps, query);
    if (check.kind !== "valid") return null;
    const tenant = await deps.tenants.find(check.request.client.tenantId);
    if (tenant === null) return null;
    if (check.request.prompt.has("none")) return null;
    // The user has just signed in: a forced sign-in is done, and must not loop; a forced consent is still to come.
    query.delete("prompt");
    if (check.request.prompt.has("consent")) query.set("prompt", "consent");
    return { tenant, settings: settingsOf(tenant, deps), ref: { name: "request", value: request }, continueTo: `/oauth2/authorize?${query.toString()}`, formTargets: [new URL(check.request.redirectUri).origin] };
  }
  if (key === undefined || key.length > 128) return null;
  const found = await tenantByKey(c, "api", key);
  return found.ok ? { ...found.value, ref: { name: "key", value: key }, continueTo: null, formTargets: [] } : null;
}

/** `/login?account=<tenant id>`: signing in (again) for the account page, which the sign-in returns to. */
async function accountPageTenant(c: PageContext, tenantId: string): Promise<PageTenant | null> {
  if (!isId("tn", tenantId)) return null;
  const deps = c.get("deps");
  const tenant = await deps.tenants.find(tenantId);
  if (tenant === null) return null;
  return { tenant, settings: settingsOf(tenant, deps), ref: { name: "account", value: tenantId }, continueTo: "/account", formTargets: [] };
}

/**
 * `GET /login?key=<publishable key>` and its form posts. The publishable key names the tenant
 * (it is public; the OAuth authorization request will name it through its client instead).
 * Each POST is one step of the same services the JSON routes use; a finished sign-in opens
 * a browser session (the cookie) bound to the session it created.
 */
export function loginPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/login", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const tenant = await pageTenant(c, c.req.query("request"), c.req.query("key"), c.req.query("account"));
      if (tenant === null) return missingTenantPage(c, strings);
      const hint = new URLSearchParams(c.req.query("request") ?? "").get("login_hint");
      return loginPage(c, strings, tenant, { kind: "first" }, undefined, hint !== null && hint.includes("@") ? hint : undefined, 200, hint !== null && hint.startsWith("+") ? hint : undefined);
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], 400);
      const parsed = loginForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      // Before anything else, so a forged form spends no code, guess or SMS.
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const tenant = await pageTenant(c, form.request, form.key, form.account);
      if (tenant === null) return missingTenantPage(c, strings);
      return loginStep(c, strings, tenant, form);
    },
  });
}

/** `GET /signup` and its form: the same service as `POST /api/auth/signup`. */
export function signupPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/signup", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const tenant = await pageTenant(c, c.req.query("request"), c.req.query("key"), c.req.query("account"));
      if (tenant === null) return missingTenantPage(c, strings);
      return signupPage(c, strings, tenant);
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], 400);
      const parsed = signupForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const tenant = await pageTenant(c, form.request, form.key, form.account);
      if (tenant === null) return missingTenantPage(c, strings);
      const outcome = await signUp(accountDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, { email: form.email, password: form.password, continueRequest: pendingRequestOf(tenant) });
      if (!outcome.ok) {
        const status = outcome.error.reason === "rate_limited" ? 429 : outcome.error.reason === "sign_in_method_disabled" ? 403 : outcome.error.reason === "email_taken" ? 409 : 400;
        return signupPage(c, strings, tenant, { field: FIELD_OF[outcome.error.reason] ?? null, message: strings.errors[outcome.error.reason] }, form.email, status);
      }
      if (outcome.value.kind === "verification_sent") {
        const nonce = newNonce();
        return htmlPage(c, policyFor(tenant, nonce), <MessagePage title={strings.checkEmailTitle} message={strings.checkEmail} strings={strings} settings={tenant.settings} nonce={nonce} />, 200);
      }
      const session = outcome.value.session;
      if (isMfaRequired(session)) return loginPage(c, strings, tenant, { kind: "second_factor", mfaToken: session.mfa_token, methods: session.methods });
      return signedInPage(c, strings, tenant, session.token, session.user_id);
    },
  });
}

async function signupPage(c: PageContext, strings: Strings, tenant: PageTenant, error?: { field: string | null; message: string }, email?: string, status: 200 | 400 | 403 | 409 | 429 = 200): Promise<Response> {
  const nonce = newNonce();
  const csrf = await csrfTokenFor(c);
  const connections = await connectionButtons(buttonDeps(c), tenant.tenant.id, tenant.settings);
  return htmlPage(c, withButtons(policyFor(tenant, nonce), connections), <SignupPage strings={strings} settings={tenant.settings} nonce={nonce} csrf={csrf} tenantRef={tenant.ref} email={email} error={error} connections={connections} />, status);
}

async function loginStep(c: PageContext, strings: Strings, tenant: PageTenant, form: LoginForm): Promise<Response> {
  const deps = c.get("deps");
  const audit = c.get("audit");
  const context = c.get("context");
  switch (form.step) {
    case "password": {
      const answer = await passwordLogin(accountDeps(deps), audit, context, tenant, { email: form.email, password: form.password });
      return afterFirstFactor(c, strings, tenant, answer, { kind: "first" }, form.email);
    }
    case "phone_request": {
      const sent = await requestCode(signInDeps(deps), audit, context, tenant, { phone: form.phone, turnstileToken: undefined });
      if (!sent.ok) return refusal(c, strings, tenant, { kind: "first" }, sent.error);
      return loginPage(c, strings, tenant, { kind: "phone_code", phone: form.phone });
    }
    case "phone_verify": {
      const answer = await verifyCode(signInDeps(deps), audit, context, tenant, { phone: form.phone, code: form.code });
      return afterFirstFactor(c, strings, tenant, answer, { kind: "phone_code", phone: form.phone });
    }
    case "email_request": {
      if (!tenant.settings.sign_in_methods.includes("email_otp")) return refusal(c, strings, tenant, { kind: "first" }, { reason: "sign_in_method_disabled" });
      const sent = await requestEmailSignIn(emailSignInDeps(deps), audit, context, tenant, { email: form.email, continueRequest: pendingRequestOf(tenant) });
      // The email sign-in form's own address field carries its refusal (the password form has one too).
      if (!sent.ok) return refusal(c, strings, tenant, { kind: "first" }, sent.error, undefined, sent.error.reason === "invalid_email" ? "email_otp" : undefined);
      return loginPage(c, strings, tenant, { kind: "email_code", email: form.email });
    }
    case "email_verify": {
      const answer = await verifyEmailCode(emailSignInDeps(deps), audit, context, tenant, { email: form.email, code: form.code });
      return afterFirstFactor(c, strings, tenant, answer, { kind: "email_code", email: form.email });
    }
    case "passkey_start": {
      if (!tenant.settings.sign_in_methods.includes("passkey")) return refusal(c, strings, tenant, { kind: "first" }, { reason: "sign_in_method_disabled" });
      const issued = await passkeyLoginOptions(passkeyDeps(deps), tenant, new Date());
      return loginPage(c, strings, tenant, { kind: "passkey", challengeId: issued.challenge_id, options: issued.options, mfaToken: null });
    }
    case "passkey": {
      const answer = await passkeySignIn(passkeyDeps(deps), audit, context, tenant, { challengeId: form.challenge_id, credential: parsedCredential(form.credential) });
      // A refused passkey concerns no field of the forms shown next: the message goes at the top.
      if (!answer.ok) return refusal(c, strings, tenant, { kind: "first" }, answer.error, undefined, null);
      return afterFirstFactor(c, strings, tenant, answer, { kind: "first" });
    }
    case "second_factor_passkey_start": {
      const owed: LoginStep = { kind: "second_factor", mfaToken: form.mfa_token, methods: ["totp", "recovery_code", "passkey"] };
      const issued = await secondStepPasskeyOptions({ passkeys: deps.passkeys, webauthnChallenges: deps.webauthnChallenges, issuer: deps.config.issuerUrl, mfaTickets: deps.mfaTickets }, tenant, form.mfa_token);
      if (!issued.ok) return refusal(c, strings, tenant, issued.error.reason === "mfa_token_expired" ? { kind: "first" } : owed, issued.error);
      return loginPage(c, strings, tenant, { kind: "passkey", challengeId: issued.value.challenge_id, options: issued.value.options, mfaToken: form.mfa_token });
    }
    case "second_factor_passkey": {
      const proof = { method: "passkey" as const, challengeId: form.challenge_id, credential: parsedCredential(form.credential) };
      const signedIn = await verifySecondFactor(mfaVerifyDeps(deps, audit), audit, context, tenant, { mfaToken: form.mfa_token, proof });
      if (!signedIn.ok) {
        if (signedIn.error.reason === "mfa_token_expired") return refusal(c, strings, tenant, { kind: "first" }, signedIn.error);
        return refusal(c, strings, tenant, { kind: "second_factor", mfaToken: form.mfa_token, methods: ["totp", "recovery_code", "passkey"] }, signedIn.error, undefined, null);
      }
      return signedInPage(c, strings, tenant, signedIn.value.token, signedIn.value.user_id);
    }
    case "second_factor": {
      const recovery = form.recovery_code !== undefined && form.recovery_code !== "";
      const code = recovery ? form.recovery_code : form.code;
      const step: LoginStep = { kind: "second_factor", mfaToken: form.mfa_token, methods: ["totp", "recovery_code"] };
      if (code === undefined || code === "") return refusal(c, strings, tenant, step, { reason: "invalid_request", field: "code", message: "code is required." });
      const proof = { method: recovery ? ("recovery_code" as const) : ("totp" as const), code };
      const signedIn = await verifySecondFactor(mfaVerifyDeps(deps, audit), audit, context, tenant, { mfaToken: form.mfa_token, proof });
      if (!signedIn.ok) {
        // An expired or spent step cannot be retried: back to the first factor.
        if (signedIn.error.reason === "mfa_token_expired") return refusal(c, strings, tenant, { kind: "first" }, signedIn.error);
        return refusal(c, strings, tenant, step, signedIn.error);
      }
      return signedInPage(c, strings, tenant, signedIn.value.token, signedIn.value.user_id);
    }
  }
}

async function afterFirstFactor(
  c: PageContext,
  strings: Strings,
  tenant: PageTenant,
  answer: Result<SignInAnswer, Failure>,
  retryStep: LoginStep,
  email?: string,
): Promise<Response> {
  if (!answer.ok) return refusal(c, strings, tenant, retryStep, answer.error, email);
  if (isMfaRequired(answer.value)) {
    return loginPage(c, strings, tenant, { kind: "second_factor", mfaToken: answer.value.mfa_token, methods: answer.value.methods });
  }
  return signedInPage(c, strings, tenant, answer.value.token, answer.value.user_id);
}

/** The assertion the script put in the form; anything that is not JSON is a credential the services refuse. */
function parsedCredential(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

/** The authorization request a mail sent from this page should bring the user back into. */
function pendingRequestOf(tenant: PageTenant): string | undefined {
  return tenant.ref.name === "request" ? tenant.ref.value : undefined;
}

/** A sign-in finished outside the login page's own forms (an emailed link): the second step it owes, or the browser session and onward. */
export function pageSignedIn(c: PageContext, strings: Strings, tenant: PageTenant, answer: SignInAnswer): Promise<Response> {
  if (isMfaRequired(answer)) return loginPage(c, strings, tenant, { kind: "second_factor", mfaToken: answer.mfa_token, methods: answer.methods });
  return signedInPage(c, strings, tenant, answer.token, answer.user_id);
}

function isMfaRequired(answer: SignInAnswer): answer is MfaRequired {
  return "mfa_required" in answer;
}

async function signedInPage(c: PageContext, strings: Strings, tenant: PageTenant, accessToken: string, userId: string): Promise<Response> {
  const opened = await openBrowserSession(c.get("deps"), { tenantId: tenant.tenant.id, userId, ...signInOf(accessToken) }, new Date());
  setSessionCookie(c, opened.cookieValue, opened.maxAgeSeconds);
  const nonce = newNonce();
  if (tenant.continueTo !== null) return pageRedirect(c, policyFor(tenant, nonce), tenant.continueTo);
  return htmlPage(c, policyFor(tenant, nonce), <MessagePage title={strings.signedInTitle(tenant.settings.email_branding)} message={strings.signedIn} strings={strings} settings={tenant.settings} nonce={nonce} />);
}

async function loginPage(c: PageContext, strings: Strings, tenant: PageTenant, step: LoginStep, error?: { field: string | null; message: string }, email?: string, status: 200 | 400 | 401 | 403 | 409 | 429 | 503 = 200, phone?: string): Promise<Response> {
  const nonce = newNonce();
  const csrf = await csrfTokenFor(c);
  const connections = step.kind === "first" ? await connectionButtons(buttonDeps(c), tenant.tenant.id, tenant.settings) : [];
  return htmlPage(c, withButtons(policyFor(tenant, nonce), connections), <LoginPage strings={strings} settings={tenant.settings} nonce={nonce} csrf={csrf} tenantRef={tenant.ref} step={step} email={email} phone={phone} error={error} connections={connections} />, status);
}

function buttonDeps(c: PageContext): Parameters<typeof connectionButtons>[0] {
  const deps = c.get("deps");
  return { connections: deps.connections, endpoints: deps.config.federation };
}

/** A page with connection buttons may be sent on to their providers (CSP form-action covers the redirect). */
function withButtons(policy: PagePolicy, buttons: readonly ConnectionButton[]): PagePolicy {
  return { ...policy, formTargets: [...policy.formTargets, ...buttonOrigins(buttons)] };
}

/** The first step of the login page with a message at the top (a sign-in elsewhere came back without success). */
export function loginPageWithMessage(c: PageContext, strings: Strings, tenant: PageTenant, message: string, status: 200 | 400 | 401 | 403 | 409 = 200): Promise<Response> {
  return loginPage(c, strings, tenant, { kind: "first" }, { field: null, message }, undefined, status);
}

/** The contract's status for the failure, its human message beside the field it concerns. */
function refusal(c: PageContext, strings: Strings, tenant: PageTenant, step: LoginStep, failure: Failure, email?: string, field?: string | null): Promise<Response> {
  const status = failure.reason === "rate_limited" || failure.reason === "too_many_attempts" ? 429 : failure.reason === "service_unavailable" || failure.reason === "sms_unavailable" || failure.reason === "email_unavailable" ? 503 : failure.reason === "invalid_credentials" || failure.reason === "invalid_code" || failure.reason === "code_expired" || failure.reason === "mfa_token_expired" || failure.reason === "invalid_credential" ? 401 : failure.reason === "user_disabled" || failure.reason === "sign_in_method_disabled" ? 403 : 400;
  return loginPage(c, strings, tenant, step, { field: field !== undefined ? field : (FIELD_OF[failure.reason] ?? null), message: strings.errors[failure.reason] }, email, status);
}

function missingTenantPage(c: PageContext, strings: Strings): Promise<Response> {
  return errorPage(c, strings, strings.missingTenant, 400);
}

export function errorPage(c: PageContext, strings: Strings, message: string, status: 400 | 401 | 403 | 413 | 415): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, policyFor(null, nonce), <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={null} nonce={nonce} />, status);
}
