import type { Hono } from "hono";
import { z } from "zod";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { expectNoBody } from "../../../shared/http/json-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import { err, ok, type Result } from "../../../shared/errors/result";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import type { Failure } from "../../../shared/errors/failure";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import type { AuthenticatedToken } from "../services/access-token-auth";
import type { AuditRecorder } from "../services/audit-recorder";
import { introspect } from "../services/introspection";
import { addPhone } from "../services/phone-adding";
import { requestCode, verifyCode } from "../services/phone-sign-in";
import { getProfile, logout, logoutAll, updateProfile } from "../services/profile";
import { refreshSession } from "../services/refresh";
import { accessTokenAuthDeps, settingsOf, signInDeps, tenantBySecretKey, withAccessToken, withTenant, type AuthContext } from "./auth-context";
import { emailSignInDeps } from "./email-sign-in";
import { corsHeaders, preflight } from "./cors";

// Any text: what is not a number after normalising, the empty string included, is the contract's `400 invalid_phone`.
export const phone = z.string();
export const requestSchema = z.strictObject({ phone, turnstile_token: z.string().min(1).max(2048).optional() });
export const verifySchema = z.strictObject({ phone, code: z.string().regex(/^[0-9]{4,10}$/, "must be 4 to 10 digits.") });
export const refreshSchema = z.strictObject({ refresh_token: z.string().min(1).max(512) });
export const introspectSchema = z.strictObject({ token: z.string().min(1).max(8192), token_type_hint: z.string().max(64).optional() });
export const profileSchema = z.strictObject({
  // Any text: what is not an address after parsing is the contract's `400 invalid_email`.
  email: z.string().max(1024).nullable().optional(),
  metadata: z.record(z.string().max(100), z.unknown()).optional(),
});

/** Introspection is server-to-server and authenticated by the secret key, so it is not counted per client IP. */
const IP_LIMIT_EXEMPT = new Set(["/api/auth/introspect"]);

export function authRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  // Outermost, so every answer gets the CORS headers: the per-IP 429 and an error thrown by the limiter included.
  app.use("/api/auth/*", async (c, next) => {
    if (c.req.method === "OPTIONS") return preflight(c);
    await next();
    for (const [name, value] of Object.entries(await corsHeaders(c))) c.res.headers.set(name, value);
    return undefined;
  });
  app.use("/api/auth/*", async (c, next) => {
    if (!IP_LIMIT_EXEMPT.has(c.req.path)) {
      const { config, rateLimiter } = c.get("deps");
      const decision = await rateLimiter.hit(`ip:${c.get("context").network}`, config.rateLimit.max, config.rateLimit.windowMs);
      if (!decision.allowed) {
        c.get("audit").record("auth.rate_limited", "blocked", { details: { limit: "client_ip" } });
        return failureToResponse({ reason: "rate_limited", retryAfterSeconds: decision.retryAfterMs / 1000 });
      }
    }
    await next();
    return undefined;
  });

  resource(app, "/api/auth/request", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        if (!allowsSignInMethod(tenant.settings, "phone_otp")) return respond(err({ reason: "sign_in_method_disabled" }));
        const input = await jsonInput(c, requestSchema);
        if (!input.ok) return respond(input);
        return respond(await requestCode(signInDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, { phone: input.value.phone, turnstileToken: input.value.turnstile_token }), 202);
      }),
  });

  resource(app, "/api/auth/verify", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        if (!allowsSignInMethod(tenant.settings, "phone_otp")) return respond(err({ reason: "sign_in_method_disabled" }));
        // With an access token as well, the code adds the phone to that user instead of signing in.
        if (c.req.header("Authorization") !== undefined) {
          return withAccessToken(c, async (auth) => {
            const input = await jsonInput(c, verifySchema);
            if (!input.ok) return respond(input);
            return respond(await addPhone({ ...c.get("deps"), otpHashSecret: c.get("deps").config.otpHashSecret }, c.get("audit"), c.get("context"), tenant, auth, input.value));
          });
        }
        const input = await jsonInput(c, verifySchema);
        if (!input.ok) return respond(input);
        return respond(await verifyCode(signInDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, input.value));
      }),
  });

  resource(app, "/api/auth/refresh", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        const input = await jsonInput(c, refreshSchema);
        if (!input.ok) return respond(input);
        const deps = c.get("deps");
        return respond(await refreshSession({ ...deps, issuer: deps.config.issuerUrl, keyEncryptionSecret: deps.config.keyEncryptionSecret }, c.get("audit"), tenant, input.value.refresh_token));
      }),
  });

  resource(app, "/api/auth/logout", { POST: (c) => bodylessRevocation(c, logout) });
  resource(app, "/api/auth/logout-all", { POST: (c) => bodylessRevocation(c, logoutAll) });

  resource(app, "/api/auth/me", {
    GET: (c) => withAccessToken(c, async (auth) => respond(ok(await getProfile(c.get("deps"), auth.user)))),
    PATCH: (c) =>
      withAccessToken(c, async (auth) => {
        const input = await jsonInput(c, profileSchema);
        if (!input.ok) return respond(input);
        const deps = c.get("deps");
        return respond(await updateProfile(emailSignInDeps(deps), c.get("audit"), c.get("context"), { tenant: auth.tenant, settings: settingsOf(auth.tenant, deps) }, auth, input.value));
      }),
  });

  resource(app, "/api/auth/introspect", {
    POST: async (c) => {
      const tenant = await tenantBySecretKey(c);
      if (!tenant.ok) return respond(tenant);
      const input = await jsonInput(c, introspectSchema);
      if (!input.ok) return respond(input);
      const deps = c.get("deps");
      return respond(ok(await introspect(accessTokenAuthDeps(deps), tenant.value.tenant.id, input.value.token)));
    },
  });
}

/** `POST /api/auth/logout` and `logout-all`: an access token, no body, 204. */
function bodylessRevocation(c: AuthContext, revoke: (deps: IssuerDeps, audit: AuditRecorder, auth: AuthenticatedToken) => Promise<Result<null, Failure>>): Promise<Response> {
  return withAccessToken(c, async (auth) => {
    const body = await expectNoBody(c);
    if (!body.ok) return respond(body);
    return noContent(await revoke(c.get("deps"), c.get("audit"), auth));
  });
}

