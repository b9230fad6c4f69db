import type { Hono } from "hono";
import { z } from "zod";
import { TOTP_DIGITS } from "../../../shared/crypto/totp";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { expectNoBody } from "../../../shared/http/json-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import { renewRecoveryCodes } from "../services/recovery-code-renewal";
import { secondFactorDeps, type FactorHolder } from "../services/second-factors";
import { confirmTotpEnrolment, removeTotp, startTotpEnrolment, type TotpEnrolmentDeps } from "../services/totp-enrolment";
import type { AuthenticatedToken } from "../services/access-token-auth";
import { settingsOf, withAccessToken, withEnrollingCaller, type AuthContext, type EnrollingCaller } from "./auth-context";
import { completingEnrolment } from "./second-step-input";

export const confirmSchema = z.strictObject({ code: z.string().regex(new RegExp(`^[0-9]{${TOTP_DIGITS}}$`), `must be the ${TOTP_DIGITS} digits the authenticator app shows.`) });

/** `POST|DELETE /api/auth/mfa/totp`, `POST /api/auth/mfa/totp/confirm`, `POST /api/auth/mfa/recovery-codes`: the user's own second factors. */
export function secondFactorRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/mfa/totp", {
    POST: (c) =>
      withEnrollingHolder(c, async (holder) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        return respond(await startTotpEnrolment(enrolmentDeps(c), holder, new Date()));
      }),
    DELETE: (c) =>
      withFactorHolder(c, async (holder) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        return noContent(await removeTotp(enrolmentDeps(c), holder, new Date()));
      }),
  });

  resource(app, "/api/auth/mfa/totp/confirm", {
    POST: (c) =>
      withEnrollingHolder(c, async (holder, caller) => {
        const input = await jsonInput(c, confirmSchema);
        if (!input.ok) return respond(input);
        return respond(await completingEnrolment(c, caller, "totp", () => confirmTotpEnrolment(enrolmentDeps(c), holder, input.value.code, new Date())));
      }),
  });

  resource(app, "/api/auth/mfa/recovery-codes", {
    POST: (c) =>
      withFactorHolder(c, async (holder) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        return respond(await renewRecoveryCodes(secondFactorDeps(c.get("deps"), c.get("audit")), holder, new Date()));
      }),
  });
}

/** The user whose factors change, by access token: the one place that says who may. */
function withFactorHolder(c: AuthContext, handler: (holder: FactorHolder) => Promise<Response>): Promise<Response> {
  return withAccessToken(c, (auth) => handler(holderOf(c, auth)));
}

/** As withFactorHolder, for the two enrolment routes: an enrolment `mfa_token` may stand in for the access token. */
function withEnrollingHolder(c: AuthContext, handler: (holder: FactorHolder, caller: EnrollingCaller) => Promise<Response>): Promise<Response> {
  return withEnrollingCaller(c, (caller) => {
    if (caller.kind === "session") return handler(holderOf(c, caller.auth), caller);
    const { tenant, user, ticket } = caller.enrolling;
    const authentication = { amr: ticket.amr, auth_time: Math.floor(ticket.firstFactorAt / 1000) };
    return handler({ tenant: tenant.tenant, settings: tenant.settings, user, authentication, sessionId: null }, caller);
  });
}

function holderOf(c: AuthContext, auth: AuthenticatedToken): FactorHolder {
  return { tenant: auth.tenant, settings: settingsOf(auth.tenant, c.get("deps")), user: auth.user, authentication: auth.claims, sessionId: auth.claims.sid };
}

function enrolmentDeps(c: AuthContext): TotpEnrolmentDeps {
  const deps = c.get("deps");
  return { ...deps, ...secondFactorDeps(deps, c.get("audit")) };
}
