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
import { completeLink, inspectLink, type LiveLink } from "../services/email-link";
import { checkAuthorizationRequest } from "../services/oauth/authorization-request";
import { emailSignInDeps } from "./email-sign-in";
import { csrfAccepted, csrfTokenFor, htmlPage, MAX_REQUEST_LENGTH, pageRedirect, singleValues, type PageContext } from "./hosted-page";
import { errorPage } from "./login-page";

const text = (max: number) => z.string().max(max);
const pendingRequest = z.string().min(1).max(MAX_REQUEST_LENGTH).optional();
const verifyQuery = z.strictObject({ token: text(256), request: pendingRequest, ui_locales: text(256).optional() });
const verifyForm = z.strictObject({ csrf: text(128), token: text(256), step: z.literal("verify"), request: pendingRequest });

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
      return htmlPage(
        c,
        { nonce, logoOrigin: logoOrigin(settings.branding.logo_url), formTargets: [] },
        <VerifyEmailPage strings={strings} settings={settings} nonce={nonce} csrf={csrf} token={query.data.token} change={link.record.purpose === "change_email"} request={query.data.request ?? null} />,
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
      const done = await completeLink({ ...emailSignInDeps(deps), defaultAudience: deps.config.defaultAudience }, c.get("audit"), c.get("context"), link);
      if (!done.ok) return done.error.reason === "code_expired" ? expiredPage(c, strings) : errorPage(c, strings, strings.errors[done.error.reason], 400);
      const settings = link.tenant.settings;
      const nonce = newNonce();
      const policy = { nonce, logoOrigin: logoOrigin(settings.branding.logo_url), formTargets: [] };
      // Only a request of a client of the link's own tenant continues; anything else is just not continued.
      if (form.request !== undefined) {
        const check = await checkAuthorizationRequest(deps, new URLSearchParams(form.request));
        if (check.kind === "valid" && check.request.client.tenantId === link.tenant.tenant.id) return pageRedirect(c, policy, `/login?request=${encodeURIComponent(form.request)}`);
      }
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
