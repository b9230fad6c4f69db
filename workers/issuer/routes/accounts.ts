import type { Hono } from "hono";
import { z } from "zod";
import { LINK_TOKEN_PATTERN } from "../../../shared/crypto/link-token";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import { ok } from "../../../shared/errors/result";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import type { AuditRecorder } from "../services/audit-recorder";
import { changePassword, type PasswordChangeDeps } from "../services/password-change";
import { argon2idPasswords } from "../services/password-hashing";
import { passwordLogin, type PasswordLoginDeps } from "../services/password-login";
import { acceptResetRequest, mailResetLink, resetPassword, type PasswordResetDeps, type PasswordResetRequestDeps } from "../services/password-reset";
import type { SignInTenant } from "../services/phone-sign-in";
import { isMfaRequired } from "../services/second-step";
import { signUp, type SignUpDeps } from "../services/sign-up";
import { settingsOf, withAccessToken, withTenant, type AuthContext } from "./auth-context";
import { secondStepDeps } from "./second-factor-deps";

// Addresses are any text here: what is not an address is the contract's `400 invalid_email`.
const email = z.string();
// Lengths are the password policy's (code points after NFKC): `400 weak_password`, or at login `400 invalid_request`.
const password = z.string().min(1);
export const credentialsSchema = z.strictObject({ email, password });
export const forgotSchema = z.strictObject({ email });
export const resetSchema = z.strictObject({ token: z.string().regex(LINK_TOKEN_PATTERN, "must be the token from the emailed link."), password });
export const changeSchema = z.strictObject({ current_password: password.optional(), new_password: password });

/** Everything the account services may be handed, built from the composition root. */
type AccountDeps = SignUpDeps & PasswordLoginDeps & PasswordResetRequestDeps & PasswordResetDeps & PasswordChangeDeps;

export function accountDeps(deps: IssuerDeps): AccountDeps {
  const { config } = deps;
  return {
    ...deps,
    ...secondStepDeps(deps),
    passwords: argon2idPasswords,
    otpHashSecret: config.otpHashSecret,
    issuer: config.issuerUrl,
    emailFrom: config.email.from ?? "",
    defaultAudience: config.defaultAudience,
  };
}

/** `POST /api/auth/signup`, `login`, `password/forgot`, `password/reset` and `password`: email and password accounts. */
export function accountRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/signup", {
    POST: (c) =>
      withPasswordTenant(c, async (tenant) => {
        const input = await jsonInput(c, credentialsSchema);
        if (!input.ok) return respond(input);
        const outcome = await signUp(accountDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, input.value);
        if (!outcome.ok) return respond(outcome);
        if (outcome.value.kind === "verification_sent") return respond(ok({ status: "verification_sent" }), 202);
        // The account exists either way; a session is Created, the second step still owed is not.
        return respond(ok(outcome.value.session), isMfaRequired(outcome.value.session) ? 200 : 201);
      }),
  });

  resource(app, "/api/auth/login", {
    POST: (c) =>
      withPasswordTenant(c, async (tenant) => {
        const input = await jsonInput(c, credentialsSchema);
        if (!input.ok) return respond(input);
        return respond(await passwordLogin(accountDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, input.value));
      }),
  });

  resource(app, "/api/auth/password/forgot", {
    POST: (c) =>
      withPasswordTenant(c, async (tenant) => {
        const input = await jsonInput(c, forgotSchema);
        if (!input.ok) return respond(input);
        const address = acceptResetRequest(tenant, input.value);
        if (!address.ok) return respond(address);
        // Answered before the account is even looked up: the answer and its timing say nothing about it.
        c.executionCtx.waitUntil(inBackground(c.get("deps"), c.get("audit"), () => mailResetLink(accountDeps(c.get("deps")), c.get("audit"), tenant, address.value)));
        return respond(ok({}), 202);
      }),
  });

  resource(app, "/api/auth/password/reset", {
    POST: (c) =>
      withPasswordTenant(c, async (tenant) => {
        const input = await jsonInput(c, resetSchema);
        if (!input.ok) return respond(input);
        return respond(await resetPassword(accountDeps(c.get("deps")), c.get("audit"), c.get("context"), { ...input.value, tenant }));
      }),
  });

  resource(app, "/api/auth/password", {
    POST: (c) =>
      withAccessToken(c, async (auth) => {
        const deps = c.get("deps");
        const settings = settingsOf(auth.tenant, deps);
        if (!allowsSignInMethod(settings, "password")) return failureToResponse({ reason: "sign_in_method_disabled" });
        const input = await jsonInput(c, changeSchema);
        if (!input.ok) return respond(input);
        const change = { currentPassword: input.value.current_password, newPassword: input.value.new_password };
        return noContent(await changePassword(accountDeps(deps), c.get("audit"), c.get("context"), { ...auth, settings }, change));
      }),
  });
}

/** The tenant by its key; a tenant without `password` among its sign-in methods is refused before the body is read. */
function withPasswordTenant(c: AuthContext, handler: (tenant: SignInTenant) => Promise<Response>): Promise<Response> {
  return withTenant(c, (tenant) => (allowsSignInMethod(tenant.settings, "password") ? handler(tenant) : Promise.resolve(failureToResponse({ reason: "sign_in_method_disabled" }))));
}

/** Work after the answer: its audit events are written when it ends, and a failure is logged, never thrown at nobody. */
export async function inBackground(deps: IssuerDeps, audit: AuditRecorder, work: () => Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    deps.logger.error("background_work_failed", { error: error instanceof Error ? error.name : "unknown" });
  } finally {
    await audit.flush();
  }
}
