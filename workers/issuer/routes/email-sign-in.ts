import type { Hono } from "hono";
import { z } from "zod";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import { err } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { jsonInput, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import { requestEmailSignIn, verifyEmailCode, verifyEmailLink, type EmailSignInDeps } from "../services/email-sign-in";
import { withTenant } from "./auth-context";
import { secondStepDeps } from "./second-factor-deps";

// Any text up to a sane size: what is not an address after parsing is the contract's `400 invalid_email`.
const email = z.string().max(1024);
export const requestSchema = z.strictObject({ email });
export const verifySchema = z.strictObject({
  email: email.optional(),
  code: z.string().regex(/^[0-9]{4,10}$/, "must be 4 to 10 digits.").optional(),
  // Any text: what is not a live token is the contract's `401 code_expired`.
  token: z.string().max(256).optional(),
});

export function emailSignInDeps(deps: IssuerDeps): IssuerDeps & EmailSignInDeps {
  return { ...deps, ...secondStepDeps(deps), otpHashSecret: deps.config.otpHashSecret, issuer: deps.config.issuerUrl, emailFrom: deps.config.email.from ?? "" };
}

/** `POST /api/auth/email/request` and `/verify`: passwordless sign-in by a code or a link sent by email. */
export function emailSignInRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/email/request", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        if (!allowsSignInMethod(tenant.settings, "email_otp")) return respond(err({ reason: "sign_in_method_disabled" }));
        const input = await jsonInput(c, requestSchema);
        if (!input.ok) return respond(input);
        return respond(await requestEmailSignIn(emailSignInDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, input.value), 202);
      }),
  });

  // Not refused up front without `email_otp`: codes and links that confirm an address work whatever the sign-in methods.
  resource(app, "/api/auth/email/verify", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        const input = await jsonInput(c, verifySchema);
        if (!input.ok) return respond(input);
        const { email: address, code, token } = input.value;
        const deps = emailSignInDeps(c.get("deps"));
        if (token !== undefined && address === undefined && code === undefined) return respond(await verifyEmailLink(deps, c.get("audit"), c.get("context"), tenant, { token }));
        if (token === undefined && address !== undefined && code !== undefined) return respond(await verifyEmailCode(deps, c.get("audit"), c.get("context"), tenant, { email: address, code }));
        return respond(err({ reason: "invalid_request", field: "body", message: "body must hold either email and code, or token alone." }));
      }),
  });
}
