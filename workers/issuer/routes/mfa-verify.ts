import type { Hono } from "hono";
import { z } from "zod";
import type { Failure } from "../../../shared/errors/failure";
import { err, ok, type Result } from "../../../shared/errors/result";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { jsonInput, respond } from "../../../shared/http/respond";
import type { IssuerBindings } from "../app";
import { allowsSignInMethod } from "../../../shared/domain/tenant-settings";
import { verifySecondFactor, type SecondFactorProof } from "../services/mfa-verify";
import { assertionCredentialSchema } from "../services/passkeys/passkey-credential-input";
import { secondStepPasskeyOptions } from "../services/second-step-passkey";
import { withTenant } from "./auth-context";
import { mfaVerifyDeps } from "./second-factor-deps";

// Any text up to a sane size: what is not a live token is the contract's `401 mfa_token_expired`.
const mfaToken = z.string().max(128);
export const verifySchema = z.strictObject({
  mfa_token: mfaToken,
  method: z.enum(["totp", "recovery_code", "passkey"], { error: "must be totp, recovery_code or passkey." }),
  // A TOTP code is six digits; a recovery code is checked as typed (case, spaces and dashes do not matter).
  code: z.string().min(1).max(64).optional(),
  challenge_id: z.string().max(128).optional(),
  credential: assertionCredentialSchema.optional(),
});
export const passkeyOptionsSchema = z.strictObject({ mfa_token: mfaToken });

/**
 * `POST /api/auth/mfa/verify`: the second step of a sign-in, with the `mfa_token` its first
 * factor answered; `POST /api/auth/mfa/passkey/options`: the challenge for a passkey as that step.
 */
export function mfaVerifyRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  resource(app, "/api/auth/mfa/passkey/options", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        if (!allowsSignInMethod(tenant.settings, "passkey")) return respond(err({ reason: "sign_in_method_disabled" }));
        const input = await jsonInput(c, passkeyOptionsSchema);
        if (!input.ok) return respond(input);
        const deps = c.get("deps");
        const passkeys = { passkeys: deps.passkeys, webauthnChallenges: deps.webauthnChallenges, issuer: deps.config.issuerUrl, mfaTickets: deps.mfaTickets };
        return respond(await secondStepPasskeyOptions(passkeys, tenant, input.value.mfa_token));
      }),
  });

  resource(app, "/api/auth/mfa/verify", {
    POST: (c) =>
      withTenant(c, async (tenant) => {
        const input = await jsonInput(c, verifySchema);
        if (!input.ok) return respond(input);
        const proof = proofOf(input.value);
        if (!proof.ok) return respond(proof);
        return respond(await verifySecondFactor(mfaVerifyDeps(c.get("deps"), c.get("audit")), c.get("audit"), c.get("context"), tenant, { mfaToken: input.value.mfa_token, proof: proof.value }));
      }),
  });
}

/** Which fields go with which method; a body that mixes them is `400`, and no attempt is counted. */
function proofOf(input: z.infer<typeof verifySchema>): Result<SecondFactorProof, Failure> {
  const { method, code, challenge_id: challengeId, credential } = input;
  if (method === "passkey") {
    if (code !== undefined) return err({ reason: "invalid_request", field: "code", message: "code is not used with method passkey." });
    if (challengeId === undefined || credential === undefined) return err({ reason: "invalid_request", field: challengeId === undefined ? "challenge_id" : "credential", message: "method passkey needs challenge_id and credential." });
    return ok({ method, challengeId, credential });
  }
  if (challengeId !== undefined || credential !== undefined) return err({ reason: "invalid_request", field: challengeId !== undefined ? "challenge_id" : "credential", message: `${challengeId !== undefined ? "challenge_id" : "credential"} is only used with method passkey.` });
  if (code === undefined) return err({ reason: "invalid_request", field: "code", message: `code is required with method ${method}.` });
  if (method === "totp" && !/^[0-9]{6}$/.test(code)) return err({ reason: "invalid_request", field: "code", message: "code must be the 6 digits the authenticator app shows." });
  return ok({ method, code });
}
