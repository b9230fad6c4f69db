import { z } from "zod";
import { passkeyOptionsSchema, verifySchema } from "../../routes/mfa-verify";
import { confirmSchema } from "../../routes/second-factors";
import type { Operation } from "../operation";
import { signedIn, signInAnswer } from "../schemas";

const recoveryCodes = z.array(z.string()).meta({ description: "Ten single-use codes; shown once, stored hashed." });
const STEP_UP = "Needs a recent strong sign-in (RFC 9470): otherwise `401 insufficient_user_authentication`.";

/** The challenge for a passkey: WebAuthn options as JSON (base64url for binary fields). */
export const passkeyChallenge = z.object({
  challenge_id: z.string(),
  options: z.looseObject({ challenge: z.string() }).meta({ description: "`PublicKeyCredentialRequestOptionsJSON` or `…CreationOptionsJSON`, for `navigator.credentials`." }),
});

export const mfaOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/auth/mfa/totp",
    tag: "mfa",
    summary: "Start enrolling an authenticator app (TOTP)",
    description:
      "Answers a pending factor (RFC 6238: SHA-1, 6 digits, 30 s) with its secret and an `otpauth://` URI for a QR code; confirm it with a code. An enrolment `mfa_token` may stand in for the access token.",
    security: ["accessToken", "enrolmentToken"],
    answers: { 200: { description: "The pending factor.", json: z.object({ factor_id: z.string(), secret: z.string(), otpauth_uri: z.string() }) } },
    errors: ["invalid_request", "payload_too_large", "totp_already_enrolled", "insufficient_user_authentication", "sign_in_method_disabled"],
  },
  {
    method: "delete",
    path: "/api/auth/mfa/totp",
    tag: "mfa",
    summary: "Remove the authenticator app",
    description: STEP_UP,
    security: ["accessToken"],
    answers: { 204: { description: "Removed." } },
    errors: ["invalid_request", "payload_too_large", "insufficient_user_authentication", "not_found"],
  },
  {
    method: "post",
    path: "/api/auth/mfa/totp/confirm",
    tag: "mfa",
    summary: "Confirm the authenticator app with a code",
    description: "Activates the factor and answers the recovery codes. With an enrolment `mfa_token`, the answer also carries the session the sign-in was waiting for.",
    security: ["accessToken", "enrolmentToken"],
    body: confirmSchema,
    bodyExample: { code: "123456" },
    answers: {
      200: {
        description: "The recovery codes (and a session, when enrolling during sign-in).",
        json: z.union([signedIn.extend({ recovery_codes: recoveryCodes }), z.object({ recovery_codes: recoveryCodes })]),
      },
    },
    errors: ["invalid_code", "not_found", "too_many_attempts", "totp_already_enrolled", "insufficient_user_authentication", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/mfa/recovery-codes",
    tag: "mfa",
    summary: "Replace the recovery codes",
    description: `The earlier set stops working. Recovery codes exist only beside a factor. ${STEP_UP}`,
    security: ["accessToken"],
    answers: { 200: { description: "The new codes.", json: z.object({ recovery_codes: recoveryCodes }) } },
    errors: ["invalid_request", "payload_too_large", "no_second_factor", "insufficient_user_authentication"],
  },
  {
    method: "post",
    path: "/api/auth/mfa/verify",
    tag: "mfa",
    summary: "Complete a sign-in with its second factor",
    description:
      "`method` is `totp` or `recovery_code` with `code`, or `passkey` with `challenge_id` and `credential` (from `/api/auth/mfa/passkey/options`). 5 failures or 5 minutes end the `mfa_token`. A TOTP code and a recovery code are each accepted once.",
    security: ["publishableKey"],
    body: verifySchema,
    bodyExample: { mfa_token: "mfa_…", method: "totp", code: "123456" },
    answers: { 200: { description: "A session.", json: signInAnswer } },
    errors: ["invalid_code", "mfa_token_expired", "invalid_credential", "user_disabled", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/mfa/passkey/options",
    tag: "mfa",
    summary: "A passkey challenge for the second step of a sign-in",
    description: "Lists the user's passkeys as the allowed credentials.",
    security: ["publishableKey"],
    body: passkeyOptionsSchema,
    answers: { 200: { description: "The challenge.", json: passkeyChallenge } },
    errors: ["mfa_token_expired", "sign_in_method_disabled"],
  },
];
