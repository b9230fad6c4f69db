import type { Context } from "hono";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { resolveTenantSettings, type TenantSettings } from "../../../shared/domain/tenant-settings";
import type { AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { bearerToken, respond } from "../../../shared/http/respond";
import { err, ok, type Result } from "../../../shared/errors/result";
import type { Failure } from "../../../shared/errors/failure";
import type { KeyKind, TenantRecord } from "../../../shared/ports/tenant-repository";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import { authenticateAccessToken, type AccessTokenRejection, type AuthenticatedToken } from "../services/access-token-auth";
import type { SignInDeps, SignInTenant } from "../services/phone-sign-in";
import type { EnrollingUser } from "../services/enrolment-step";
import { enrollingUser } from "../services/enrolment-step";
import { enrolmentStepDeps, secondStepDeps } from "./second-factor-deps";

/** How `/api/auth/*` routes learn who is asking: the tenant by its key, or the user by an access token. */
export type AuthContext = Context<AppEnv<IssuerBindings>>;

export function signInDeps(deps: IssuerDeps): SignInDeps {
  return { ...deps, ...secondStepDeps(deps), otpHashSecret: deps.config.otpHashSecret, issuer: deps.config.issuerUrl, keyEncryptionSecret: deps.config.keyEncryptionSecret };
}

export function accessTokenAuthDeps(deps: IssuerDeps) {
  return { ...deps, issuer: deps.config.issuerUrl, defaultAudience: deps.config.defaultAudience };
}

/** The publishable key in `x-api-key` names the tenant; missing or unknown is `401 invalid_api_key`. */
export async function withTenant(c: AuthContext, handler: (tenant: SignInTenant) => Promise<Response>): Promise<Response> {
  const tenant = await tenantByKey(c, "api", c.req.header("x-api-key") ?? null);
  return tenant.ok ? handler(tenant.value) : respond(tenant);
}

export async function withAccessToken(c: AuthContext, handler: (auth: AuthenticatedToken) => Promise<Response>): Promise<Response> {
  const token = bearerToken(c);
  if (token === null) return failureToResponse({ reason: "invalid_token", description: "missing access token" });
  const deps = c.get("deps");
  const auth = await authenticateAccessToken(accessTokenAuthDeps(deps), token, new Date());
  if (!auth.ok) return failureToResponse(refusedAccessToken(auth.error));
  c.set("tenantCorsOrigins", settingsOf(auth.value.tenant, deps).cors_origins);
  return handler(auth.value);
}

/**
 * A valid client token where a user is required is the wrong kind of token, not a bad one:
 * `403 insufficient_scope`, so the caller knows a fresh token of the same kind will not help.
 */
export function refusedAccessToken(rejection: AccessTokenRejection): Failure {
  if (rejection === "client_token") return { reason: "insufficient_scope", description: "This route acts for a user; a client's token names none." };
  return { reason: "invalid_token", description: rejection === "expired" ? "token expired" : "invalid or revoked token" };
}

/**
 * Who is enrolling a second factor: a signed-in user (access token), or the holder of an
 * enrolment `mfa_token` (the tenant requires a second factor and the user has none yet),
 * which stands in for the access token on the enrolment routes only.
 */
export type EnrollingCaller = { readonly kind: "session"; readonly auth: AuthenticatedToken } | { readonly kind: "enrolment"; readonly enrolling: EnrollingUser };

export async function withEnrollingCaller(c: AuthContext, handler: (caller: EnrollingCaller) => Promise<Response>): Promise<Response> {
  const token = bearerToken(c);
  if (token === null || !token.startsWith("mfa_")) return withAccessToken(c, (auth) => handler({ kind: "session", auth }));
  const enrolling = await enrollingUser(enrolmentStepDeps(c.get("deps")), token);
  if (!enrolling.ok) return respond(enrolling);
  c.set("tenantCorsOrigins", enrolling.value.tenant.settings.cors_origins);
  return handler({ kind: "enrolment", enrolling: enrolling.value });
}

export function tenantBySecretKey(c: AuthContext): Promise<Result<SignInTenant, Failure>> {
  return tenantByKey(c, "secret", bearerToken(c));
}

/** The tenant a publishable or secret key belongs to; missing or unknown is `401 invalid_api_key`. */
export async function tenantByKey(c: AuthContext, kind: KeyKind, key: string | null): Promise<Result<SignInTenant, Failure>> {
  if (!key || key.length > 128) return err({ reason: "invalid_api_key" });
  const deps = c.get("deps");
  const tenant = await deps.tenants.findByKeyHash(kind, await sha256Hex(key));
  if (!tenant) return err({ reason: "invalid_api_key" });
  const settings = settingsOf(tenant, deps);
  c.set("tenantCorsOrigins", settings.cors_origins);
  return ok({ tenant, settings });
}

export function settingsOf(tenant: TenantRecord, deps: IssuerDeps): TenantSettings {
  return resolveTenantSettings(tenant.settings, { tenantName: tenant.name, defaultAudience: deps.config.defaultAudience });
}
