import type { Context } from "hono";
import { clientNetwork } from "../../shared/domain/client-network";
import type { RequestContext } from "../../shared/domain/request-context";
import { createJsonApp } from "../../shared/http/create-app";
import { createLogger } from "../../shared/logging/logger";
import type { IssuerDeps } from "./deps";
import { accountPageRoutes } from "./routes/account-page";
import { accountRoutes } from "./routes/accounts";
import { adminRoutes } from "./routes/admin";
import { authRoutes } from "./routes/auth";
import { consentPageRoutes } from "./routes/consent-page";
import { resetPasswordPageRoutes } from "./routes/reset-password-page";
import { verifyEmailPageRoutes } from "./routes/verify-email-page";
import { emailLinkPageRoutes } from "./routes/email-link-page";
import { emailSignInRoutes } from "./routes/email-sign-in";
import { healthRoutes } from "./routes/health";
import { loginPageRoutes, signupPageRoutes } from "./routes/login-page";
import { openApiRoutes } from "./routes/openapi";
import { oauthAuthorizeRoutes } from "./routes/oauth-authorize";
import { federationRoutes } from "./routes/federation";
import { mfaVerifyRoutes } from "./routes/mfa-verify";
import { oauthClientAdminRoutes } from "./routes/oauth-clients-admin";
import { connectionAdminRoutes } from "./routes/connections-admin";
import { oauthRevocationRoutes, oauthTokenRoutes, oauthUserinfoRoutes } from "./routes/oauth-token";
import { passkeyRoutes } from "./routes/passkeys";
import { secondFactorRoutes } from "./routes/second-factors";
import { sessionRoutes } from "./routes/sessions";
import { wellKnownRoutes } from "./routes/well-known";
import { webhookRoutes } from "./routes/webhooks";
import { webhookAdminRoutes } from "./routes/webhook-admin";
import { AuditRecorder } from "./services/audit-recorder";
import { consoleRoutes } from "./routes/console/console-routes";

const MAY_WRITE: ReadonlySet<string> = new Set(["POST", "PUT", "PATCH", "DELETE"]);

function dispatchWebhooksAfter(c: Context, deps: IssuerDeps): void {
  const run = deps.webhookDispatcher.kick();
  if (run === null) return;
  try {
    c.executionCtx.waitUntil(run);
  } catch {
    // No execution context (a test calling the app directly): the run simply finishes on its own.
  }
}

export type IssuerBindings = {
  Bindings: Env;
  Variables: {
    deps: IssuerDeps;
    context: RequestContext;
    audit: AuditRecorder;
    /** The `cors_origins` of the tenant a request turned out to belong to, once known. */
    tenantCorsOrigins: readonly string[] | undefined;
  };
};

/** The issuer's routes; `buildDeps` is the composition root (deps.ts), passed in so tests can swap it. */
export function createIssuerApp(buildDeps: (env: Env) => IssuerDeps) {
  const app = createJsonApp<IssuerBindings>(createLogger("issuer", "error"));
  app.use(async (c, next) => {
    const deps = buildDeps(c.env);
    const context = requestContext(c, c.get("requestId"));
    const audit = new AuditRecorder(deps.auditLog, deps.auditSpool, context, deps.logger);
    c.set("deps", deps);
    c.set("context", context);
    c.set("audit", audit);
    await next();
    // The response leaves only after its audit events are written (or the failure is logged).
    await audit.flush();
    // A write may have put webhook deliveries in the outbox (the triggers decide): move them onto the queue.
    if (MAY_WRITE.has(c.req.method)) dispatchWebhooksAfter(c, deps);
  });
  healthRoutes(app);
  wellKnownRoutes(app);
  openApiRoutes(app);
  adminRoutes(app);
  oauthClientAdminRoutes(app);
  connectionAdminRoutes(app);
  webhookAdminRoutes(app);
  oauthTokenRoutes(app);
  oauthRevocationRoutes(app);
  oauthUserinfoRoutes(app);
  authRoutes(app);
  accountRoutes(app);
  emailSignInRoutes(app);
  mfaVerifyRoutes(app);
  emailLinkPageRoutes(app);
  loginPageRoutes(app);
  signupPageRoutes(app);
  accountPageRoutes(app);
  oauthAuthorizeRoutes(app);
  federationRoutes(app);
  consentPageRoutes(app);
  resetPasswordPageRoutes(app);
  verifyEmailPageRoutes(app);
  sessionRoutes(app);
  passkeyRoutes(app);
  secondFactorRoutes(app);
  webhookRoutes(app);
  consoleRoutes(app);
  return app;
}

function requestContext(c: Context, requestId: string): RequestContext {
  const cf = (c.req.raw as Request & { cf?: { country?: unknown } }).cf;
  const country = typeof cf?.country === "string" && /^[A-Z]{2}$/.test(cf.country) ? cf.country : null;
  const { address, network } = clientNetwork(c.req.header("CF-Connecting-IP"));
  const userAgent = c.req.header("User-Agent")?.slice(0, 512) ?? null;
  return { requestId, ip: address, network, userAgent, country };
}
