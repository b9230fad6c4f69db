import { z } from "zod";
import { loginSchema, registerSchema } from "../../routes/passkeys";
import type { Operation } from "../operation";
import { signedIn, signInAnswer, timestamp } from "../schemas";
import { passkeyChallenge } from "./mfa";

const registered = z.object({ passkey_id: z.string(), name: z.string(), created_at: timestamp });

export const passkeysOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/auth/passkeys/register/options",
    tag: "passkeys",
    summary: "A challenge to register a passkey",
    description:
      "Resident key preferred, user verification required. Adding a passkey needs a recent strong sign-in (RFC 9470); an enrolment `mfa_token` may stand in for the access token.",
    security: ["accessToken", "enrolmentToken"],
    answers: { 200: { description: "The challenge (`PublicKeyCredentialCreationOptionsJSON`).", json: passkeyChallenge } },
    errors: ["invalid_request", "payload_too_large", "insufficient_user_authentication", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/passkeys/register",
    tag: "passkeys",
    summary: "Register a passkey",
    description: "Send the credential `navigator.credentials.create` answered, as JSON. With an enrolment `mfa_token`, the answer also carries the session the sign-in was waiting for.",
    security: ["accessToken", "enrolmentToken"],
    body: registerSchema,
    answers: { 201: { description: "The passkey (and a session, when enrolling during sign-in).", json: z.union([signedIn.extend(registered.shape), registered]) } },
    errors: ["invalid_credential", "insufficient_user_authentication", "too_many_attempts", "sign_in_method_disabled"],
  },
  {
    method: "get",
    path: "/api/auth/passkeys",
    tag: "passkeys",
    summary: "The signed-in user's passkeys",
    security: ["accessToken"],
    answers: {
      200: {
        description: "Every passkey of the user.",
        json: z.object({ passkeys: z.array(registered.extend({ last_used_at: timestamp.nullable() })) }),
      },
    },
  },
  {
    method: "delete",
    path: "/api/auth/passkeys/{id}",
    tag: "passkeys",
    summary: "Remove a passkey",
    description: "Needs a recent strong sign-in (RFC 9470). Another user's passkey, or an id of the wrong shape, is `404 not_found`.",
    security: ["accessToken"],
    pathParameters: { id: "The passkey's id (`pkey_…`)." },
    answers: { 204: { description: "Removed." } },
    errors: ["invalid_request", "payload_too_large", "insufficient_user_authentication"],
  },
  {
    method: "post",
    path: "/api/auth/passkeys/login/options",
    tag: "passkeys",
    summary: "A challenge to sign in with a passkey",
    description: "For discoverable credentials: no user is named. Takes no body, or `{}`.",
    security: ["publishableKey"],
    answers: { 200: { description: "The challenge (`PublicKeyCredentialRequestOptionsJSON`).", json: passkeyChallenge } },
    errors: ["invalid_request", "payload_too_large", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/passkeys/login",
    tag: "passkeys",
    summary: "Sign in with a passkey",
    description:
      "Send the assertion `navigator.credentials.get` answered, as JSON. A bad assertion, a wrong origin or RP id, a replayed challenge or a counter that went back: `401 invalid_credential`.",
    security: ["publishableKey"],
    body: loginSchema,
    answers: { 200: { description: "A session (or the second step, when the passkey did not verify the user).", json: signInAnswer } },
    errors: ["invalid_credential", "user_disabled", "sign_in_method_disabled"],
  },
];
