import type { Hono } from "hono";
import { z } from "zod";
import { isId } from "../../../shared/crypto/ids";
import { allowsSignInMethod, NO_CONTROL_CHARACTERS } from "../../../shared/domain/tenant-settings";
import { err, ok } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { expectNoBody } from "../../../shared/http/json-body";
import { jsonInput, noContent, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import type { IssuerDeps } from "../deps";
import type { Failure } from "../../../shared/errors/failure";
import type { Result } from "../../../shared/errors/result";
import type { PasskeySignInDeps } from "../services/passkeys/passkey-sign-in";
import { passkeyLoginOptions, passkeySignIn } from "../services/passkeys/passkey-sign-in";
import { listPasskeys, removePasskey } from "../services/passkeys/passkey-management";
import { passkeyRegistrationOptions, registerPasskey, requirePasskeyEnrolmentAuthority, type PasskeyOwner } from "../services/passkeys/passkey-registration";
import { assertionCredentialSchema, registrationCredentialSchema } from "../services/passkeys/passkey-credential-input";
import type { SignInTenant } from "../services/phone-sign-in";
import { settingsOf, withAccessToken, withEnrollingCaller, withTenant, type AuthContext, type EnrollingCaller } from "./auth-context";
import { completingEnrolment } from "./second-step-input";

// Any text up to a sane size: what is not a live challenge of this tenant is `401 invalid_credential`.
const challengeId = z.string().max(64);
// Checked here too, so a malformed body is refused before anything else is asked (the service checks again).
export const registerSchema = z.strictObject({
  challenge_id: challengeId,
  credential: registrationCredentialSchema,
  name: z.string().trim().min(1).max(64).regex(NO_CONTROL_CHARACTERS, "must not contain control characters.").optional(),
});
export const loginSchema = z.strictObject({ challenge_id: challengeId, credential: assertionCredentialSchema });

export function passkeyDeps(deps: IssuerDeps): IssuerDeps & PasskeySignInDeps {
  return { ...deps, issuer: deps.config.issuerUrl };
}

/** `/api/auth/passkeys/*`: registering, listing and removing passkeys (Bearer), and signing in with one (`x-api-key`). */
export function passkeyRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/passkeys/register/options", {
    POST: (c) =>
      withPasskeyOwner(c, async (caller, owner) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        const deps = c.get("deps");
        const allowed = await enrolmentAuthority(deps, caller);
        if (!allowed.ok) return respond(allowed);
        return respond(ok(await passkeyRegistrationOptions(passkeyDeps(deps), owner, new Date())));
      }),
  });

  resource(app, "/api/auth/passkeys/register", {
    POST: (c) =>
      withPasskeyOwner(c, async (caller, owner) => {
        const input = await jsonInput(c, registerSchema);
        if (!input.ok) return respond(input);
        const deps = c.get("deps");
        const allowed = await enrolmentAuthority(deps, caller);
        if (!allowed.ok) return respond(allowed);
        const { challenge_id, credential: presented, name } = input.value;
        const registered = () => registerPasskey(passkeyDeps(deps), c.get("audit"), owner, { challengeId: challenge_id, credential: presented, name }, new Date());
        return respond(await completingEnrolment(c, caller, "passkey", registered), 201);
      }),
  });

  resource(app, "/api/auth/passkeys", {
    GET: (c) => withAccessToken(c, async (auth) => respond(await listPasskeys(c.get("deps"), auth))),
  });

  resource(app, "/api/auth/passkeys/login/options", {
    POST: (c) =>
      withPasskeyTenant(c, async (tenant) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        return respond(ok(await passkeyLoginOptions(passkeyDeps(c.get("deps")), tenant, new Date())));
      }),
  });

  resource(app, "/api/auth/passkeys/login", {
    POST: (c) =>
      withPasskeyTenant(c, async (tenant) => {
        const input = await jsonInput(c, loginSchema);
        if (!input.ok) return respond(input);
        const { challenge_id, credential: presented } = input.value;
        return respond(await passkeySignIn(passkeyDeps(c.get("deps")), c.get("audit"), c.get("context"), tenant, { challengeId: challenge_id, credential: presented }));
      }),
  });

  // Last: `:id` would otherwise catch `login` and `register`.
  resource(app, "/api/auth/passkeys/:id", {
    DELETE: (c) =>
      withAccessToken(c, async (auth) => {
        const body = await expectNoBody(c);
        if (!body.ok) return respond(body);
        // A malformed id is not found, like any id that is not one of the user's passkeys.
        const id = c.req.param("id") ?? "";
        if (!isId("pkey", id)) return respond(err({ reason: "not_found", message: "No such passkey." }));
        return noContent(await removePasskey(c.get("deps"), c.get("audit"), auth, id, new Date()));
      }),
  });
}

/** The tenant by its key; a tenant without `passkey` among its sign-in methods is refused before the body is read. */
function withPasskeyTenant(c: AuthContext, handler: (tenant: SignInTenant) => Promise<Response>): Promise<Response> {
  return withTenant(c, (tenant) => (allowsSignInMethod(tenant.settings, "passkey") ? handler(tenant) : Promise.resolve(failureToResponse({ reason: "sign_in_method_disabled" }))));
}

/**
 * The owner of the passkey being added: the access token's user, or the user of an enrolment
 * `mfa_token` (see `withEnrollingCaller`); refused when the tenant has passkeys off.
 */
function withPasskeyOwner(c: AuthContext, handler: (caller: EnrollingCaller, owner: PasskeyOwner) => Promise<Response>): Promise<Response> {
  return withEnrollingCaller(c, (caller) => {
    const owner: PasskeyOwner =
      caller.kind === "session" ? { tenant: { tenant: caller.auth.tenant, settings: settingsOf(caller.auth.tenant, c.get("deps")) }, user: caller.auth.user } : caller.enrolling;
    if (!allowsSignInMethod(owner.tenant.settings, "passkey")) return Promise.resolve(failureToResponse({ reason: "sign_in_method_disabled" }));
    return handler(caller, owner);
  });
}

/** An enrolment token already proves a first factor within five minutes for a user with no factor: the rule's own bar for a first passkey. */
function enrolmentAuthority(deps: IssuerDeps, caller: EnrollingCaller): Promise<Result<void, Failure>> {
  return caller.kind === "session" ? requirePasskeyEnrolmentAuthority(deps, caller.auth, new Date()) : Promise.resolve(ok(undefined));
}
