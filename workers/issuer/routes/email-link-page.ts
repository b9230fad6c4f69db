import type { Context, Hono } from "hono";
import { z } from "zod";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import { failureResponse } from "../../../shared/errors/failure-response";
import type { Failure } from "../../../shared/errors/failure";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { readFormBody } from "../../../shared/http/form-body";
import { queryInput } from "../../../shared/http/query-input";
import { validate } from "../../../shared/http/validate";
import type { IssuerBindings } from "../app";
import { contentSecurityPolicy, LINK_PAGE_HEADERS, linkFormPage, linkMessagePage, type LinkForm } from "../pages/link-page";
import { completeLink, inspectLink, type EmailLinkDeps, type LiveLink } from "../services/email-link";
import { resetPassword } from "../services/password-reset";
import { accountDeps } from "./accounts";
import { emailSignInDeps } from "./email-sign-in";

type PageContext = Context<AppEnv<IssuerBindings>>;

const token = z.string().max(256);
const linkQuery = z.strictObject({ token });
const linkForm = z.strictObject({ token, password: z.string().max(1024).optional() });

const EXPIRED = { title: "This link has expired", message: "This link has expired or has already been used. Ask for a new one from the app." };

function linkDeps(c: PageContext): EmailLinkDeps {
  const deps = c.get("deps");
  return { ...emailSignInDeps(deps), defaultAudience: deps.config.defaultAudience };
}

/**
 * `GET /auth/link?token=…` shows what the link will do and a button; only `POST /auth/link`
 * (the form) spends it. Outside `/api`: HTML pages, form bodies. The token is the only secret
 * and the only proof the form needs; the page's form-action keeps the form on this origin.
 */
export function emailLinkPageRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  app.use("/auth/link", async (c, next) => {
    const { config, rateLimiter } = c.get("deps");
    const decision = await rateLimiter.hit(`ip:${c.get("context").network}`, config.rateLimit.max, config.rateLimit.windowMs);
    if (!decision.allowed) {
      c.get("audit").record("auth.rate_limited", "blocked", { details: { limit: "client_ip" } });
      return failurePage({ reason: "rate_limited", retryAfterSeconds: decision.retryAfterMs / 1000 });
    }
    await next();
    return undefined;
  });

  resource(app, "/auth/link", {
    GET: async (c) => {
      const input = queryInput(c, linkQuery);
      if (!input.ok) return failurePage(input.error);
      const link = await inspectLink(linkDeps(c), input.value.token);
      if (link === null) return linkMessagePage(EXPIRED.title, EXPIRED.message, 401);
      const refusal = signInRefusal(link);
      if (refusal !== null) return refusal;
      return linkFormPage(formFor(link, input.value.token));
    },
    POST: async (c) => {
      const form = await readFormBody(c);
      if (!form.ok) return failurePage(form.error);
      const input = validate(linkForm, singleValues(form.value), "form");
      if (!input.ok) return failurePage(input.error);
      const deps = linkDeps(c);
      const link = await inspectLink(deps, input.value.token);
      if (link === null) return linkMessagePage(EXPIRED.title, EXPIRED.message, 401);
      if (link.record.purpose === "reset_password") return resetPage(c, link, input.value);
      const done = await completeLink(deps, c.get("audit"), c.get("context"), link);
      if (!done.ok) return failurePage(done.error);
      switch (done.value.kind) {
        case "signed_in":
          return new Response(null, { status: 303, headers: { Location: done.value.location, ...LINK_PAGE_HEADERS, "Content-Security-Policy": contentSecurityPolicy() } });
        case "no_return_address":
          return noReturnAddressPage(done.value.branding);
        case "verified":
          return linkMessagePage(
            done.value.purpose === "change_email" ? "Your new email address is confirmed" : "Your email address is confirmed",
            `You can go back to ${done.value.branding} now.`,
          );
      }
    },
  });
}

/**
 * The reset form: the same service as `POST /api/auth/password/reset`, the token naming its
 * tenant. A weak password leaves the link usable. The session the reset opens is not handed
 * to the browser; the person signs in to the app with the new password.
 */
async function resetPage(c: PageContext, link: LiveLink, input: { token: string; password?: string | undefined }): Promise<Response> {
  if (input.password === undefined) return failurePage({ reason: "invalid_request", field: "form.password", message: "form.password is required to choose a new password." });
  const reset = await resetPassword(accountDeps(c.get("deps")), c.get("audit"), c.get("context"), { token: input.token, password: input.password, tenant: null });
  if (!reset.ok && reset.error.reason === "weak_password") {
    return linkMessagePage("Choose another password", `${failureResponse(reset.error).message} Go back and choose another; the link still works.`, 400);
  }
  if (!reset.ok) return failurePage(reset.error);
  return linkMessagePage("Your password has been changed", `Sign in to ${link.tenant.settings.email_branding} with your new password. Every other session was signed out.`);
}

/** A sign-in link the POST would refuse (completeLink decides that), said on the GET already. */
function signInRefusal({ record, tenant }: LiveLink): Response | null {
  if (record.purpose !== "sign_in") return null;
  if (!allowsSignInMethod(tenant.settings, "email_otp")) return failurePage({ reason: "sign_in_method_disabled" });
  return tenant.settings.redirect_uris.length === 0 ? noReturnAddressPage(tenant.settings.email_branding) : null;
}

function noReturnAddressPage(branding: string): Response {
  return linkMessagePage("This app cannot finish signing you in", `${branding} has no return address configured for sign-in links, so nothing was used up. Sign in with the code from the same email instead.`, 409);
}

function formFor(link: LiveLink, value: string): LinkForm {
  const branding = link.tenant.settings.email_branding;
  const { purpose } = link.record;
  switch (purpose) {
    case "sign_in": {
      const returnUri = link.tenant.settings.redirect_uris[0];
      return { kind: purpose, branding, token: value, returnOrigin: returnUri === undefined ? null : new URL(returnUri).origin };
    }
    case "verify_email":
    case "change_email":
      return { kind: purpose, branding, token: value };
    case "reset_password":
      return { kind: purpose, branding, token: value, minLength: link.tenant.settings.password_min_length };
  }
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

/** A refusal as a page: the contract's status and its plain-words message, nothing more. */
function failurePage(failure: Failure): Response {
  if (failure.reason === "code_expired") return linkMessagePage(EXPIRED.title, EXPIRED.message, 401);
  const { status, message, headers } = failureResponse(failure);
  return linkMessagePage(status >= 500 ? "Something went wrong" : "This link cannot be used", message, status, headers);
}
