import type { Hono } from "hono";
import { z } from "zod";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import type { IssuerBindings } from "../app";
import { MessagePage } from "../pages/message-page";
import { logoOrigin, newNonce } from "../pages/page-security";
import { stringsFor } from "../pages/strings";
import type { Strings } from "../pages/strings-en";
import { VerifyEmailPage } from "../pages/verify-email-page";
import { completeLink, completeLinkInBrowser, inspectLink, type LiveLink } from "../services/email-link";
import { requestOfLinkTenant } from "./email-link-page";
import { emailSignInDeps } from "./email-sign-in";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, singleValues, type PageContext } from "./hosted-page";
import { errorPage, pageSignedIn } from "./login-page";

const text = (max: number) => z.string().max(max);
const pendingRequest = z.string().min(1).max(MAX_REQUEST_LENGTH).optional();
export const verifyQuery = z.strictObject({ token: text(256), request: pendingRequest, ui_locales: text(256).optional() });
export const verifyForm = z.strictObject({ csrf: text(128), token: text(256), step: z.literal("verify"), request: pendingRequest });

/**
 * `GET|POST /verify-email?token=…`: the page an address verification (or address change) link
 * opens. The GET only shows a button; the POST spends the link through the same service as
 * the link page and `POST /api/auth/email/verify` with `{token}`. A pending authorization request
 * given with the link continues at the login page; otherwise the page says the address is confirmed.
 */
export function verifyEmailPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/verify-email", {
    GET: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const query = verifyQuery.safeParse(singleValues(new URL(c.req.url).searchParams));
      if (!query.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const link = await liveVerificationLink(c, query.data.token);
      if (link === null) return expiredPage(c, strings);
      const nonce = newNonce();
      const csrf = await csrfTokenFor(c);
      const settings = link.tenant.settings;
      const continued = query.data.request === undefined || link.record.purpose !== "verify_email" ? null : await requestOfLinkTenant(c, query.data.request, link);
      return htmlPage(
        c,
        // Continuing a request ends in a redirect to its app, which form-action must allow.
        { nonce, logoOrigin: logoOrigin(settings.branding.logo_url), formTargets: continued?.formTargets ?? [] },
        <VerifyEmailPage strings={strings} settings={settings} nonce={nonce} csrf={csrf} token={query.data.token} change={link.record.purpose === "change_email"} request={continued === null ? null : (query.data.request ?? null)} />,
      );
    },
    POST: async (c) => {
      const strings = stringsFor(c.req.query("ui_locales"));
      const body = await readFormBody(c);
      if (!body.ok) return errorPage(c, strings, strings.errors[body.error.reason], body.error.reason === "payload_too_large" ? 413 : body.error.reason === "unsupported_media_type" ? 415 : 400);
      const parsed = verifyForm.safeParse(singleValues(body.value));
      if (!parsed.success) return errorPage(c, strings, strings.errors.invalid_request, 400);
      const form = parsed.data;
      if (!(await csrfAccepted(c, form.csrf))) return errorPage(c, strings, strings.csrfRefused, 403);
      const link = await liveVerificationLink(c, form.token);
      if (link === null) return expiredPage(c, strings);
      const deps = c.get("deps");
      // A new account's address confirmed from an authorization request signs the browser in and continues it.
      const continued = form.request === undefined || link.record.purpose !== "verify_email" ? null : await requestOfLinkTenant(c, form.request, link);
      if (continued !== null) {
        const signedIn = await completeLinkInBrowser({ ...emailSignInDeps(deps), defaultAudience: deps.config.defaultAudience }, c.get("audit"), c.get("context"), link);
        if (!signedIn.ok) return signedIn.error.reason === "code_expired" ? expiredPage(c, strings) : errorPage(c, strings, strings.errors[signedIn.error.reason], 400);
        return pageSignedIn(c, strings, continued, signedIn.value.session);
      }
      const done = await completeLink({ ...emailSignInDeps(deps), defaultAudience: deps.config.defaultAudience }, c.get("audit"), c.get("context"), link);
      if (!done.ok) return done.error.reason === "code_expired" ? expiredPage(c, strings) : errorPage(c, strings, strings.errors[done.error.reason], 400);
      const settings = link.tenant.settings;
      const nonce = newNonce();
      const policy = { nonce, logoOrigin: logoOrigin(settings.branding.logo_url), formTargets: [] };
      return htmlPage(c, policy, <MessagePage title={strings.emailConfirmedTitle} message={strings.emailConfirmed(settings.email_branding)} strings={strings} settings={settings} nonce={nonce} />);
    },
  });
}

/** A live link that confirms an address; any other link (or none) is treated as expired, spending nothing. */
async function liveVerificationLink(c: PageContext, token: string): Promise<LiveLink | null> {
  const deps = c.get("deps");
  const link = await inspectLink({ ...deps, defaultAudience: deps.config.defaultAudience }, token);
  return link !== null && (link.record.purpose === "verify_email" || link.record.purpose === "change_email") ? link : null;
}

function expiredPage(c: PageContext, strings: Strings): Promise<Response> {
  const nonce = newNonce();
  return htmlPage(c, { nonce, logoOrigin: null, formTargets: [] }, <MessagePage title={strings.linkExpiredTitle} message={strings.linkExpired} alert strings={strings} settings={null} nonce={nonce} />, 401);
}
