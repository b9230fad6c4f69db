import type { Hono } from "hono";
import { z } from "zod";
import type { Failure } from "../../../shared/errors/failure";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { MessagePage } from "../pages/message-page";
import { logoOrigin, newNonce } from "../pages/page-security";
import { ResetPasswordPage, type ResetStep } from "../pages/reset-password-page";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { inspectLink, type LiveLink } from "../services/email-link";
import { acceptResetRequest, mailResetLink, resetPassword } from "../services/password-reset";
import type { SignInTenant } from "../services/phone-sign-in";
import { accountDeps, inBackground } from "./accounts";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, singleValues, type PageContext } from "./hosted-page";
import { errorPage, pageTenant, policyFor } from "./login-page";

const text = (max: number) => z.string().max(max);
export const resetForm = z.discriminatedUnion("step", [
  z.strictObject({ step: z.literal("request"), csrf: text(128), key: z.string().min(1).max(128).optional(), request: z.string().min(1).max(MAX_REQUEST_LENGTH).optional(), email: text(320) }),
  z.strictObject({ step: z.literal("choose"), csrf: text(128), token: text(256), password: text(1024), password_confirm: text(1024) }),
]);
export const tokenQuery = z.strictObject({ token: text(256), ui_locales: text(256).optional() });

type Status = 200 | 400 | 401 | 403 | 429 | 503;

/**
 * `GET|POST /reset-password`: asking for a reset link (`?key=` or `?request=`, like `/login`),
 * and the page the emailed link opens (`?token=`) where the new password is chosen twice. Both
 * are the services of `POST /api/auth/password/forgot` and `/reset`; the GET spends nothing.
 */
export function resetPasswordPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/reset-password", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      if (c.req.query("token") !== undefined) {
        const query = tokenQuery.safeParse(singleValues(new URL(c.req.url).searchParams));
        if (!query.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
        const link = await liveResetLink(c, query.data.token);
        if (link === null) return expiredPage(c, strings);
        return resetPage(c, strings, link.tenant, { kind: "choose", token: query.data.token });
      }
      const tenant = await pageTenant(c, c.req.query("request"), c.req.query("key"));
      if (tenant === null) return errorPage(c, strings, strings.missingTenant, 400);
      return resetPage(c, strings, tenant, { kind: "request", tenantRef: tenant.ref });
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], body.error.reason === "payload_too_large" ? 413 : body.error.reason === "unsupported_media_type" ? 415 : 400);
      const parsed = resetForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      // Before anything else: a forged form sends no mail and spends no link.
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const deps = c.get("deps");
      if (form.step === "request") {
        const tenant = await pageTenant(c, form.request, form.key);
        if (tenant === null) return errorPage(c, strings, strings.missingTenant, 400);
        const step: ResetStep = { kind: "request", tenantRef: tenant.ref };
        const address = acceptResetRequest(tenant, { email: form.email });
        if (!address.ok) return resetPage(c, strings, tenant, step, refusalOf(strings, address.error, "email"), form.email);
        // As the JSON route: answered before the account is looked up, the same words whoever asks.
        c.executionCtx.waitUntil(inBackground(deps, c.get("audit"), () => mailResetLink(accountDeps(deps), c.get("audit"), tenant, address.value)));
        const nonce = newNonce();
        return htmlPage(c, policyFor(tenant, nonce), <MessagePage title={strings.resetSentTitle} message={strings.resetSent} strings={strings} settings={tenant.settings} nonce={nonce} />);
      }
      const link = await liveResetLink(c, form.token);
      if (link === null) return expiredPage(c, strings);
      const step: ResetStep = { kind: "choose", token: form.token };
      if (form.password !== form.password_confirm) return resetPage(c, strings, link.tenant, step, { field: "password_confirm", message: strings.passwordsDiffer, status: 400 });
      const reset = await resetPassword(accountDeps(deps), c.get("audit"), c.get("context"), { token: form.token, password: form.password, tenant: null });
      if (!reset.ok) {
        if (reset.error.reason === "code_expired") return expiredPage(c, strings);
        // A weak password leaves the link usable: the same form again, the reason beside the field.
        return resetPage(c, strings, link.tenant, step, refusalOf(strings, reset.error, "password"));
      }
      const nonce = newNonce();
      const settings = link.tenant.settings;
      return htmlPage(c, { nonce, logoOrigin: logoOrigin(settings.branding.logo_url), formTargets: [] }, <MessagePage title={strings.passwordChangedTitle} message={strings.passwordChanged(settings.email_branding)} strings={strings} settings={settings} nonce={nonce} />);
    },
  });
}

/** A live link whose purpose is a reset; any other link (or none) is treated as expired, spending nothing. */
async function liveResetLink(c: PageContext, token: string): Promise<LiveLink | null> {
  const deps = c.get("deps");
  const link = await inspectLink({ ...deps, defaultAudience: deps.config.defaultAudience }, token);
  return link !== null && link.record.purpose === "reset_password" ? link : null;
}

function refusalOf(strings: Strings, failure: Failure, field: string): { field: string | null; message: string; status: Status } {
  switch (failure.reason) {
    case "weak_password":
      return { field: "password", message: strings.weakPassword[failure.detail], status: 400 };
    case "invalid_email":
      return { field, message: strings.errors.invalid_email, status: 400 };
    case "sign_in_method_disabled":
    case "user_disabled":
      return { field: null, message: strings.errors[failure.reason], status: 403 };
    case "rate_limited":
      return { field: null, message: strings.errors.rate_limited, status: 429 };
    case "service_unavailable":
      return { field: null, message: strings.errors.service_unavailable, status: 503 };
    default:
      return { field: null, message: strings.errors[failure.reason], status: 400 };
  }
}

async function resetPage(c: PageContext, strings: Strings, tenant: SignInTenant, step: ResetStep, error?: { field: string | null; message: string; status: Status }, email?: string): Promise<Response> {
  const nonce = newNonce();
  const csrf = await csrfTokenFor(c);
  return htmlPage(
    c,
    { nonce, logoOrigin: logoOrigin(tenant.settings.branding.logo_url), formTargets: [] },
    <ResetPasswordPage strings={strings} settings={tenant.settings} nonce={nonce} csrf={csrf} step={step} email={email} error={error} />,
    error?.status ?? 200,
  );
}

function expiredPage(c: PageContext, strings: Strings): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, { nonce, logoOrigin: null, formTargets: [] }, <MessagePage title={strings.linkExpiredTitle} message={strings.linkExpired} alert strings={strings} settings={null} nonce={nonce} />, 401);
}
