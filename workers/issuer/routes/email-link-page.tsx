import type { Hono } from "hono";
import { z } from "zod";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import { failureResponse } from "../../../shared/errors/failure-response";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { LinkPage } from "../pages/link-page";
import { MessagePage } from "../pages/message-page";
import { logoOrigin, newNonce, type PagePolicy } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { openBrowserSession, signInOf } from "../services/browser-session";
import { completeLink, completeLinkInBrowser, inspectLink, type EmailLinkDeps, type LiveLink } from "../services/email-link";
import { isMfaRequired } from "../services/second-step";
import { emailSignInDeps } from "./email-sign-in";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, setSessionCookie, singleValues, type PageContext } from "./hosted-page";
import { pageSignedIn, pageTenant, type PageTenant } from "./login-page";

const text = (max: number) => z.string().max(max);
const pendingRequest = z.string().min(1).max(MAX_REQUEST_LENGTH).optional();
export const linkQuery = z.strictObject({ token: text(256), request: pendingRequest, ui_locales: text(256).optional() });
export const linkForm = z.strictObject({ csrf: text(128), token: text(256), step: z.literal("sign_in"), request: pendingRequest });

function linkDeps(c: PageContext): EmailLinkDeps {
  const deps = c.get("deps");
  return { ...emailSignInDeps(deps), defaultAudience: deps.config.defaultAudience };
}

/**
 * `GET|POST /auth/link?token=…`: the page an emailed sign-in link opens. The GET shows one
 * button and changes nothing (mail scanners follow links); the POST (CSRF token, link token)
 * spends the link through the same service as `POST /api/auth/email/verify` with `{token}`.
 * A link carrying an authorization request of its own tenant continues it in this browser;
 * otherwise the session goes to the tenant's first redirect URI in the fragment, as before.
 * Verification and reset links mailed before their own pages existed are sent on to them.
 */
export function emailLinkPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/auth/link", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const limited = await rateLimited(c, strings);
      if (limited !== null) return limited;
      const query = linkQuery.safeParse(singleValues(new URL(c.req.url).searchParams));
      if (!query.success) return failurePage(c, strings, { reason: "invalid_request", field: "query", message: "invalid query" });
      const { token, request } = query.data;
      const link = await inspectLink(linkDeps(c), token);
      if (link === null) return expiredPage(c, strings);
      if (link.record.purpose !== "sign_in") return pageRedirect(c, bare(), dedicatedPage(link, token, request));
      if (!allowsSignInMethod(link.tenant.settings, "email_otp")) return failurePage(c, strings, { reason: "sign_in_method_disabled" });
      const continued = request === undefined ? null : await requestOfLinkTenant(c, request, link);
      const returnUri = link.tenant.settings.redirect_uris[0];
      if (continued === null && returnUri === undefined) return noReturnAddressPage(c, strings, link);
      const nonce = newNonce();
      // The POST's answer redirects on to the app, and form-action holds a form's redirect chain too.
      const formTargets = continued?.formTargets ?? (returnUri === undefined ? [] : [new URL(returnUri).origin]);
      const csrf = await csrfTokenFor(c);
      return htmlPage(
        c,
        { nonce, logoOrigin: logoOrigin(link.tenant.settings.branding.logo_url), formTargets },
        <LinkPage strings={strings} settings={link.tenant.settings} nonce={nonce} csrf={csrf} token={token} request={continued === null ? null : (request ?? null)} />,
      );
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const limited = await rateLimited(c, strings);
      if (limited !== null) return limited;
      const body = await readFormBody(c);
      if (!body.ok) return failurePage(c, strings, body.error);
      const parsed = linkForm.safeParse(singleValues(body.value));
      if (!parsed.success) return failurePage(c, strings, { reason: "invalid_request", field: "form", message: "invalid form" });
      const form = parsed.data;
      // Before the link is even looked up: a forged form spends nothing.
      if (!(await csrfAccepted(c, form.csrf))) return htmlMessage(c, strings, strings.errorTitle, strings.csrfRefused, 403, null);
      const deps = linkDeps(c);
      const link = await inspectLink(deps, form.token);
      if (link === null) return expiredPage(c, strings);
      if (link.record.purpose !== "sign_in") return pageRedirect(c, bare(), dedicatedPage(link, form.token, form.request));
      const continued = form.request === undefined ? null : await requestOfLinkTenant(c, form.request, link);
      if (continued !== null) {
        const signedIn = await completeLinkInBrowser(deps, c.get("audit"), c.get("context"), link);
        if (!signedIn.ok) return failurePage(c, strings, signedIn.error);
        return pageSignedIn(c, strings, continued, signedIn.value.session);
      }
      const done = await completeLink(deps, c.get("audit"), c.get("context"), link);
      if (!done.ok) return failurePage(c, strings, done.error);
      switch (done.value.kind) {
        case "signed_in": {
          const { session, userId, location } = done.value;
          // The browser is signed in too, bound to the session handed to the app (a second step still owed opens none).
          if (!isMfaRequired(session)) {
            const opened = await openBrowserSession(c.get("deps"), { tenantId: link.tenant.tenant.id, userId, ...signInOf(session.token) }, new Date());
            setSessionCookie(c, opened.cookieValue, opened.maxAgeSeconds);
          }
          return pageRedirect(c, { ...bare(), formTargets: [new URL(location).origin] }, location);
        }
        case "no_return_address":
          return noReturnAddressPage(c, strings, link);
        case "verified":
          return htmlMessage(c, strings, strings.emailConfirmedTitle, strings.emailConfirmed(link.tenant.settings.email_branding), 200, link);
      }
    },
  });
}

/** Each GET and POST counts against the client address's request limit, as the JSON routes do. */
async function rateLimited(c: PageContext, strings: Strings): Promise<Response | null> {
  const { config, rateLimiter } = c.get("deps");
  const decision = await rateLimiter.hit(`ip:${c.get("context").network}`, config.rateLimit.max, config.rateLimit.windowMs);
  if (decision.allowed) return null;
  c.get("audit").record("auth.rate_limited", "blocked", { details: { limit: "client_ip" } });
  return failurePage(c, strings, { reason: "rate_limited", retryAfterSeconds: decision.retryAfterMs / 1000 });
}

/**
 * The authorization request a link carries, as the login page would serve it: checked again in
 * full, and only for a client of the link's own tenant. Anything else is not continued.
 */
export async function requestOfLinkTenant(c: PageContext, request: string, link: LiveLink): Promise<PageTenant | null> {
  const tenant = await pageTenant(c, request, undefined);
  return tenant !== null && tenant.tenant.id === link.tenant.tenant.id ? tenant : null;
}

/** Verification and reset links have their own pages; a GET there changes nothing either. */
function dedicatedPage(link: LiveLink, token: string, request: string | undefined): string {
  const query = new URLSearchParams({ token });
  if (link.record.purpose === "reset_password") return `/reset-password?${query.toString()}`;
  if (request !== undefined) query.set("request", request);
  return `/verify-email?${query.toString()}`;
}

function bare(): PagePolicy {
  return { nonce: newNonce(), logoOrigin: null, formTargets: [] };
}

function noReturnAddressPage(c: PageContext, strings: Strings, link: LiveLink): Promise<Response> {
  return htmlMessage(c, strings, strings.linkNoReturnTitle, strings.linkNoReturn(link.tenant.settings.email_branding), 409, link);
}

function expiredPage(c: PageContext, strings: Strings): Promise<Response> {
  return htmlMessage(c, strings, strings.linkExpiredTitle, strings.linkExpired, 401, null);
}

/** A refusal as a page: the contract's status, its human message, nothing more. */
function failurePage(c: PageContext, strings: Strings, failure: Failure): Promise<Response> {
  if (failure.reason === "code_expired") return expiredPage(c, strings);
  const { status, headers } = failureResponse(failure);
  for (const [name, value] of Object.entries(headers)) c.header(name, value);
  return htmlMessage(c, strings, strings.errorTitle, strings.errors[failure.reason], status, null);
}

function htmlMessage(c: PageContext, strings: Strings, title: string, message: string, status: Parameters<typeof htmlPage>[3], link: LiveLink | null): Promise<Response> {
  const nonce = newNonce();
  const settings = link?.tenant.settings ?? null;
  return htmlPage(c, { nonce, logoOrigin: logoOrigin(settings?.branding.logo_url), formTargets: [] }, <MessagePage title={title} message={message} alert={status !== 200} strings={strings} settings={settings} nonce={nonce} />, status);
}
