import type { Hono } from "hono";
import { renderSVG } from "uqr";
import { z } from "zod";
import { isId } from "../../../shared/crypto/ids";
import { TOTP_DIGITS } from "../../../shared/crypto/totp";
import type { Failure } from "../../../shared/errors/failure";
import { failureResponse } from "../../../shared/errors/failure-response";
import { ok, type Result } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { AccountPage, type AccountAction, type AccountPageProps, type AccountView } from "../pages/account-page";
import { MessagePage } from "../pages/message-page";
import { logoOrigin, newNonce, type PagePolicy } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { deleteOwnAccount } from "../services/account-deletion";
import { currentBrowserSession } from "../services/browser-session";
import { browserSessionCaller, type BrowserSessionCaller } from "../services/browser-session-caller";
import { listSignedInDevices, signOutDevice } from "../services/account-devices";
import { changePassword } from "../services/password-change";
import { listPasskeys, removePasskey } from "../services/passkeys/passkey-management";
import { passkeyRegistrationOptions, registerPasskey, requirePasskeyEnrolmentAuthority } from "../services/passkeys/passkey-registration";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { IssuerDeps } from "../deps";
import { passkeyDeps } from "./passkeys";
import { getProfile, logoutAll, updateProfile } from "../services/profile";
import { requireRecentSignIn } from "../services/recent-sign-in";
import { renewRecoveryCodes } from "../services/recovery-code-renewal";
import { secondFactorDeps, type FactorHolder } from "../services/second-factors";
import { confirmTotpEnrolment, removeTotp, startTotpEnrolment } from "../services/totp-enrolment";
import { accountDeps } from "./accounts";
import { buttonOrigins, connectionButtons, providerName } from "../services/federation/connection-buttons";
import { unlinkIdentity } from "../services/federation/identity-linking";
import { beginUpstream, identityLinkingDeps, startableConnection } from "./federation";
import { signInDeps, tenantByKey } from "./auth-context";
import { addPhone } from "../services/phone-adding";
import { requestCode } from "../services/phone-sign-in";
import { emailSignInDeps } from "./email-sign-in";
import { clearSessionCookie, csrfAccepted, csrfTokenFor, htmlPage, pageRedirect, sessionCookie, type PageContext } from "./hosted-page";

const csrf = z.string().max(128);
const TOTP_CODE = new RegExp(`^[0-9]{${TOTP_DIGITS}}$`);
export const ACTION_FORMS = {
  profile: z.strictObject({ csrf, name: z.string().max(100) }),
  email: z.strictObject({ csrf, email: z.string().max(1024) }),
  "phone/request": z.strictObject({ csrf, phone: z.string().max(32) }),
  "phone/verify": z.strictObject({ csrf, phone: z.string().max(32), code: z.string().max(16) }),
  password: z.strictObject({ csrf, current_password: z.string().max(4096).optional(), new_password: z.string().max(4096) }),
  "totp/start": z.strictObject({ csrf }),
  "totp/confirm": z.strictObject({ csrf, code: z.string().max(16) }),
  "totp/remove": z.strictObject({ csrf }),
  "recovery-codes": z.strictObject({ csrf }),
  "passkeys/options": z.strictObject({ csrf }),
  "passkeys/register": z.strictObject({ csrf, challenge_id: z.string().max(64), credential: z.string().max(12 * 1024), name: z.string().max(64).optional() }),
  "passkeys/remove": z.strictObject({ csrf, passkey_id: z.string().max(64) }),
  "sessions/revoke": z.strictObject({ csrf, session_id: z.string().max(64) }),
  "sessions/revoke-all": z.strictObject({ csrf }),
  delete: z.strictObject({ csrf, confirm: z.literal("yes").optional() }),
  "identities/link": z.strictObject({ csrf, connection_id: z.string().max(64) }),
  "identities/unlink": z.strictObject({ csrf, identity_id: z.string().max(64) }),
} satisfies Record<AccountAction, z.ZodType>;
type ActionInput = { readonly [A in AccountAction]: { readonly action: A; readonly form: z.infer<(typeof ACTION_FORMS)[A]> } }[AccountAction];

/**
 * Actions that change how the account is reached or whether it exists: the browser must have
 * signed in within five minutes (the services add "with two factors" where their rules say so).
 * Signing devices out is not among them: it only ever takes access away.
 */
const NEEDS_RECENT_SIGN_IN: ReadonlySet<AccountAction> = new Set(["email", "phone/request", "phone/verify", "password", "totp/start", "totp/remove", "recovery-codes", "passkeys/options", "passkeys/register", "passkeys/remove", "delete", "identities/link", "identities/unlink"]);

/** Which field of the form a refusal concerns. */
const FIELD_OF: Partial<Record<Failure["reason"], string>> = { invalid_phone: "phone", phone_not_allowed: "phone", phone_taken: "phone", code_expired: "code", invalid_email: "email", email_taken: "email", weak_password: "new_password", invalid_credentials: "current_password", invalid_code: "code" };

/**
 * `GET /account` and the form posts under it: the browser session's user manages their own
 * account through the services the JSON routes use. Without a live browser session the page
 * sends the browser to `/login?account=<tenant id>`, which comes back here after the sign-in.
 */
export function accountPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/account", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const caller = await signedInCaller(c);
      if (caller !== null) return accountPage(c, strings, caller, {});
      // Signed out: an app's link names its tenant by the publishable key, as /login?key= does.
      const key = c.req.query("key");
      if (key !== undefined) {
        const tenant = await tenantByKey(c, "api", key);
        if (tenant.ok) return pageRedirect(c, policyFor(null, newNonce()), signInAgainUrl(tenant.value.tenant.id));
      }
      return signedOutPage(c, strings);
    },
  });
  for (const action of Object.keys(ACTION_FORMS) as AccountAction[]) {
    resource(app, `/account/${action}`, { POST: (c) => accountAction(c, action) });
  }
}

/** Where a signed-out or stale browser signs in again, then comes back to `/account`. */
export function signInAgainUrl(tenantId: string): string {
  return `/login?account=${encodeURIComponent(tenantId)}`;
}

async function signedInCaller(c: PageContext): Promise<BrowserSessionCaller | null> {
  const deps = c.get("deps");
  const now = new Date();
  const record = await currentBrowserSession(deps, sessionCookie(c), now);
  if (record === null) return null;
  return browserSessionCaller({ ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience }, record, now);
}

async function accountAction(c: PageContext, action: AccountAction): Promise<Response> {
  const strings = stringsFor(c.req.query("ui_locales"));
  const body = await readFormBody(c);
  if (!body.ok) return messagePage(c, strings, strings.errors[body.error.reason], pageStatus(failureResponse(body.error).status));
  const parsed = ACTION_FORMS[action].safeParse(singleValues(body.value));
  if (!parsed.success) return messagePage(c, strings, strings.errors.invalid_request, 400);
  // Before the session is even looked at: a forged form changes nothing and learns nothing.
  if (!(await csrfAccepted(c, parsed.data.csrf))) return messagePage(c, strings, strings.csrfRefused, 403);
  const caller = await signedInCaller(c);
  if (caller === null) return signedOutPage(c, strings);
  const now = new Date();
  if (NEEDS_RECENT_SIGN_IN.has(action)) {
    const recent = requireRecentSignIn(caller.claims, now);
    if (!recent.ok) return pageRedirect(c, policyFor(caller, newNonce()), signInAgainUrl(caller.tenant.id));
  }
  // The schema was picked by `action`, so the pair is one of ActionInput's.
  const input = { action, form: parsed.data } as ActionInput;
  const outcome = await perform(c, caller, input, now);
  if (outcome.ok) return outcome.value;
  const failure = outcome.error;
  if (failure.reason === "insufficient_user_authentication") return pageRedirect(c, policyFor(caller, newNonce()), signInAgainUrl(caller.tenant.id));
  const field = failure.reason === "invalid_request" ? failure.field : (FIELD_OF[failure.reason] ?? null);
  const pageProps = retryProps(input, failure);
  return accountPage(c, strings, caller, { ...pageProps, error: { action, field, message: strings.errors[failure.reason] } }, failureResponse(failure).status);
}

async function perform(c: PageContext, caller: BrowserSessionCaller, input: ActionInput, now: Date): Promise<Result<Response, Failure>> {
  const deps = c.get("deps");
  const audit = c.get("audit");
  const strings = stringsFor(c.req.query("ui_locales"));
  const holder: FactorHolder = { tenant: caller.tenant, settings: caller.settings, user: caller.user, authentication: caller.claims, sessionId: caller.claims.sid };
  const factorDeps = { ...deps, ...secondFactorDeps(deps, audit) };
  const owner = { tenant: { tenant: caller.tenant, settings: caller.settings }, user: caller.user };
  const render = async (props: Partial<AccountPageProps>, status = 200) => ok(await accountPage(c, strings, caller, props, status));
  const done = <T,>(result: Result<T, Failure>, then: (value: T) => Promise<Result<Response, Failure>>) => (result.ok ? then(result.value) : Promise.resolve(result));
  switch (input.action) {
    case "profile": {
      // The name lives in the user's own metadata (`name`), the one profile field the contract lets a user change besides the address.
      const name = input.form.name.trim();
      const rest = Object.fromEntries(Object.entries(caller.user.metadata).filter(([key]) => key !== "name"));
      const metadata = name === "" ? rest : { ...rest, name };
      const changed = await updateProfile(emailSignInDeps(deps), audit, c.get("context"), { tenant: caller.tenant, settings: caller.settings }, caller, { metadata });
      return done(changed, () => render({ notice: strings.account.done }));
    }
    case "email": {
      const { email } = input.form;
      const changed = await updateProfile(emailSignInDeps(deps), audit, c.get("context"), { tenant: caller.tenant, settings: caller.settings }, caller, { email });
      return done(changed, (profile) => render({ notice: "pending_email" in profile && profile.pending_email !== undefined ? strings.account.emailPending(profile.pending_email) : strings.account.done }));
    }
    case "phone/request": {
      // The phone sign-in's request: the same limits, guards and SMS budget; the code proves the number below.
      const { phone } = input.form;
      if (!allowsSignInMethod(caller.settings, "phone_otp")) return { ok: false, error: { reason: "sign_in_method_disabled" } };
      const sent = await requestCode(signInDeps(deps), audit, c.get("context"), { tenant: caller.tenant, settings: caller.settings }, { phone, turnstileToken: undefined });
      return done(sent, () => render({ phoneCodeSentTo: phone }));
    }
    case "phone/verify": {
      const { phone, code } = input.form;
      if (!allowsSignInMethod(caller.settings, "phone_otp")) return { ok: false, error: { reason: "sign_in_method_disabled" } };
      const added = await addPhone({ ...deps, otpHashSecret: deps.config.otpHashSecret }, audit, c.get("context"), { tenant: caller.tenant, settings: caller.settings }, caller, { phone, code });
      return done(added, () => render({ notice: strings.account.done }));
    }
    case "password": {
      const { current_password, new_password } = input.form;
      const changed = await changePassword(accountDeps(deps), audit, c.get("context"), caller, { currentPassword: current_password === "" ? undefined : current_password, newPassword: new_password });
      return done(changed, () => render({ notice: strings.account.done }));
    }
    case "totp/start":
      return done(await startTotpEnrolment(factorDeps, holder, now), (started) => render({ enrolment: { qrSvg: renderSVG(started.otpauth_uri), secret: started.secret } }));
    case "totp/confirm": {
      const { code } = input.form;
      if (!TOTP_CODE.test(code)) return { ok: false, error: { reason: "invalid_request", field: "code", message: "The code is the 6 digits the app shows." } };
      return done(await confirmTotpEnrolment(factorDeps, holder, code, now), (confirmed) => render({ recoveryCodes: confirmed.recovery_codes }));
    }
    case "totp/remove":
      return done(await removeTotp(factorDeps, holder, now), () => render({ notice: strings.account.done }));
    case "recovery-codes":
      return done(await renewRecoveryCodes(secondFactorDeps(deps, audit), holder, now), (renewed) => render({ recoveryCodes: renewed.recovery_codes }));
    case "passkeys/options": {
      const allowed = await passkeyAuthority(deps, caller, now);
      if (!allowed.ok) return allowed;
      const answer = await passkeyRegistrationOptions(passkeyDeps(deps), owner, now);
      return render({ passkeyRegistration: { challengeId: answer.challenge_id, optionsJson: JSON.stringify(answer.options) } });
    }
    case "passkeys/register": {
      const allowed = await passkeyAuthority(deps, caller, now);
      if (!allowed.ok) return allowed;
      const { challenge_id, credential, name } = input.form;
      const registered = await registerPasskey(passkeyDeps(deps), audit, owner, { challengeId: challenge_id, credential: parsedJson(credential), name: name === "" ? undefined : name }, now);
      return done(registered, () => render({ notice: strings.account.done }));
    }
    case "passkeys/remove": {
      const { passkey_id } = input.form;
      if (!isId("pkey", passkey_id)) return { ok: false, error: { reason: "not_found", message: "No such passkey." } };
      return done(await removePasskey(deps, audit, caller, passkey_id, now), () => render({ notice: strings.account.done }));
    }
    case "sessions/revoke": {
      const { session_id } = input.form;
      // A malformed id is not found, like another user's: ids cannot be probed.
      if (!isId("ses", session_id)) return { ok: false, error: { reason: "not_found", message: "No such session." } };
      const signedOut = await signOutDevice(deps, audit, caller, session_id, now);
      if (signedOut.ok && signedOut.value.thisBrowser) {
        clearSessionCookie(c);
        return messageResult(c, strings, caller, strings.signedOutTitle, strings.signedOut);
      }
      return done(signedOut, () => Promise.resolve(ok(pageRedirect(c, policyFor(caller, newNonce()), "/account"))));
    }
    case "sessions/revoke-all":
      return done(await logoutAll(deps, audit, caller), () => {
        clearSessionCookie(c);
        return messageResult(c, strings, caller, strings.signedOutTitle, strings.signedOut);
      });
    case "identities/link": {
      const tenant = { tenant: caller.tenant, settings: caller.settings, ref: { name: "account" as const, value: caller.tenant.id }, continueTo: "/account", formTargets: [] };
      const connection = await startableConnection(deps, tenant, input.form.connection_id);
      if (connection === "unavailable") return { ok: false, error: { reason: "not_found", message: strings.federation.connectionUnavailable } };
      if (connection === "disabled") return { ok: false, error: { reason: "sign_in_method_disabled" } };
      const linkedAlready = (await deps.identities.listLinked(caller.user.id)).some((identity) => identity.connectionId === connection.id);
      if (linkedAlready) return render({ notice: strings.account.done });
      return ok(await beginUpstream(c, strings, connection, { purpose: "link", userId: caller.user.id, returnTo: tenant.ref }));
    }
    case "identities/unlink": {
      const { identity_id } = input.form;
      if (!isId("idn", identity_id)) return { ok: false, error: { reason: "not_found", message: strings.account.identityNotFound } };
      const unlinked = await unlinkIdentity(identityLinkingDeps(deps), audit, { tenant: caller.tenant, settings: caller.settings }, caller.user.id, identity_id);
      if (!unlinked.ok) return render({ error: { action: "identities/unlink", field: null, message: unlinked.error === "last_method" ? strings.account.lastMethod : strings.account.identityNotFound } }, unlinked.error === "last_method" ? 409 : 404);
      return render({ notice: strings.account.unlinked });
    }
    case "delete": {
      const { confirm } = input.form;
      if (confirm !== "yes") return { ok: false, error: { reason: "invalid_request", field: "confirm", message: strings.account.deleteConfirmMissing } };
      return done(await deleteOwnAccount(deps, audit, caller, now), () => {
        clearSessionCookie(c);
        return messageResult(c, strings, caller, strings.account.deletedTitle, strings.account.deleted);
      });
    }
  }
}

/** The passkey routes' bar: the tenant has passkeys on, and the enrolment rule's recent (strong, with a factor) sign-in. */
async function passkeyAuthority(deps: IssuerDeps, caller: BrowserSessionCaller, now: Date): Promise<Result<void, Failure>> {
  if (!allowsSignInMethod(caller.settings, "passkey")) return { ok: false, error: { reason: "sign_in_method_disabled" } };
  return requirePasskeyEnrolmentAuthority(deps, caller, now);
}

/** The credential field as the script wrote it; anything that is not JSON is handed on as a value the service refuses. */
function parsedJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

/** After a wrong code the form to try again stays on the page. */
function retryProps(input: ActionInput, failure: Failure): Partial<AccountPageProps> {
  const wrongCode = failure.reason === "invalid_code" || failure.reason === "invalid_request";
  if (input.action === "totp/confirm" && wrongCode) return { confirmingTotp: true };
  if (input.action === "phone/verify" && wrongCode) return { phoneCodeSentTo: input.form.phone };
  return {};
}

async function messageResult(c: PageContext, strings: Strings, caller: BrowserSessionCaller, title: string, message: string): Promise<Result<Response, Failure>> {
  const nonce = newNonce();
  return ok(await htmlPage(c, policyFor(caller, nonce), <MessagePage title={title} message={message} strings={strings} settings={caller.settings} nonce={nonce} />));
}

async function accountPage(c: PageContext, strings: Strings, caller: BrowserSessionCaller, props: Partial<AccountPageProps>, status = 200): Promise<Response> {
  const deps = c.get("deps");
  const now = new Date();
  // Read again: the action may have just changed the user.
  const user = (await deps.users.find(caller.user.id)) ?? caller.user;
  const [profile, passkeys, devices, linked, buttons] = await Promise.all([
    getProfile(deps, user),
    listPasskeys(deps, caller),
    listSignedInDevices(deps, caller, now),
    deps.identities.listLinked(user.id),
    connectionButtons({ connections: deps.connections, endpoints: deps.config.federation }, caller.tenant.id, caller.settings),
  ]);
  const labels = new Map(buttons.map((button) => [button.id, button.label]));
  const view: AccountView = {
    user: { id: user.id, name: typeof user.metadata.name === "string" ? user.metadata.name : "", email: user.email, emailVerified: user.emailVerified, phone: user.phone, hasPassword: user.hasPassword },
    factors: { totp: profile.mfa.totp, passkeys: profile.mfa.passkeys, recoveryCodesRemaining: profile.mfa.recovery_codes_remaining },
    identities: linked.map((identity) => ({ id: identity.id, provider: labels.get(identity.connectionId) ?? providerName(identity.provider), email: identity.email, linkedAt: identity.linkedAt.toISOString() })),
    linkable: buttons.filter((button) => !linked.some((identity) => identity.connectionId === button.id)).map((button) => ({ connectionId: button.id, provider: button.label })),
    passkeys: passkeys.ok ? passkeys.value.passkeys.map((passkey) => ({ id: passkey.passkey_id, name: passkey.name, createdAt: passkey.created_at, lastUsedAt: passkey.last_used_at })) : [],
    sessions: devices.map((device) => ({ id: device.id, userAgent: device.userAgent, createdAt: device.createdAt.toISOString(), lastUsedAt: device.lastUsedAt.toISOString(), thisBrowser: device.thisBrowser, appSessions: device.appSessions })),
  };
  const nonce = newNonce();
  const csrfToken = await csrfTokenFor(c);
  const policy = { ...policyFor(caller, nonce), formTargets: buttonOrigins(buttons) };
  return htmlPage(c, policy, <AccountPage {...props} strings={strings} settings={caller.settings} nonce={nonce} csrf={csrfToken} view={view} />, pageStatus(status));
}

const PAGE_STATUSES = [200, 400, 401, 403, 404, 409, 413, 415, 429, 503] as const;
type PageStatus = (typeof PAGE_STATUSES)[number];

/** The contract's status where a page can answer with it; anything else (405, 422, 502) is a plain 400 page. */
function pageStatus(status: number): PageStatus {
  return PAGE_STATUSES.find((candidate) => candidate === status) ?? 400;
}

function policyFor(caller: BrowserSessionCaller | null, nonce: string): PagePolicy {
  return { nonce, logoOrigin: logoOrigin(caller?.settings.branding.logo_url), formTargets: [] };
}

function signedOutPage(c: PageContext, strings: Strings): Promise<Response> {
  return messagePage(c, strings, strings.account.signedOut, 401);
}

function messagePage(c: PageContext, strings: Strings, message: string, status: PageStatus): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, policyFor(null, nonce), <MessagePage title={strings.errorTitle} message={message} alert strings={strings} settings={null} nonce={nonce} />, status);
}

/** Form fields as single values; a name given twice is kept as a list so the schema refuses it. */
function singleValues(form: URLSearchParams): Record<string, string | string[]> {
  const values: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const name of new Set(form.keys())) {
    const all = form.getAll(name);
    values[name] = all.length === 1 ? (all[0] ?? "") : all;
  }
  return values;
}
