import { z } from "zod";
import { changeSchema, credentialsSchema, forgotSchema, resetSchema } from "../../routes/accounts";
import { requestSchema as emailRequestSchema, verifySchema as emailVerifySchema } from "../../routes/email-sign-in";
import type { Operation } from "../operation";
import { mfaRequired, signedIn, signInAnswer } from "../schemas";

const credentialsExample = { email: "ada@example.com", password: "a long passphrase of mine" };

export const accountsOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/auth/signup",
    tag: "accounts",
    summary: "Sign up with an email address and a password",
    description:
      "With `email_verification_required` (the default) the answer is `202 {status: \"verification_sent\"}` for a new and an existing address alike; the existing owner is told by email instead. Without it, a new address gets a session (`201`, or `200` with `mfa_required` when the tenant requires a second factor) and an existing one `409 email_taken`.",
    security: ["publishableKey"],
    body: credentialsSchema,
    bodyExample: credentialsExample,
    answers: {
      200: { description: "The account exists; a second factor must be enrolled before a session.", json: mfaRequired },
      201: { description: "Signed up and signed in.", json: signedIn },
      202: { description: "A verification email is on its way.", json: z.object({ status: z.literal("verification_sent") }) },
    },
    errors: ["invalid_email", "weak_password", "email_taken", "email_unavailable", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/login",
    tag: "accounts",
    summary: "Sign in with an email address and a password",
    description:
      "A wrong password and an unknown address answer the same `401 invalid_credentials`, in the same time. When the user has a second factor the answer is `mfa_required` with an `mfa_token` for `/api/auth/mfa/verify`. Repeated failures answer `429 too_many_attempts` with `Retry-After`, a lock that grows and never lasts forever.",
    security: ["publishableKey"],
    body: credentialsSchema,
    bodyExample: credentialsExample,
    answers: { 200: { description: "A session, or the second step still owed.", json: signInAnswer } },
    errors: ["invalid_email", "invalid_credentials", "email_not_verified", "too_many_attempts", "user_disabled", "sign_in_method_disabled", "email_unavailable"],
  },
  {
    method: "post",
    path: "/api/auth/email/request",
    tag: "accounts",
    summary: "Email a one-time sign-in code and link",
    description: "The same answer whether or not the address has an account; limits as for phone codes.",
    security: ["publishableKey"],
    body: emailRequestSchema,
    bodyExample: { email: "ada@example.com" },
    answers: { 202: { description: "The email is on its way.", json: z.object({ request_id: z.string(), expires_in: z.number().int() }) } },
    errors: ["invalid_email", "rate_limited", "email_unavailable", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/email/verify",
    tag: "accounts",
    summary: "Trade an emailed code, or the token of an emailed link, for a session",
    description:
      "Send `{email, code}` or `{token}` alone. Creates the user on first sign-in and marks the address verified. Tokens and codes work once.",
    security: ["publishableKey"],
    body: emailVerifySchema,
    bodyExample: { email: "ada@example.com", code: "123456" },
    answers: { 200: { description: "A session, or the second step still owed.", json: signInAnswer } },
    errors: ["invalid_email", "invalid_code", "code_expired", "too_many_attempts", "user_disabled", "sign_in_method_disabled", "email_taken"],
  },
  {
    method: "post",
    path: "/api/auth/password/forgot",
    tag: "accounts",
    summary: "Email a password reset link",
    description: "Always `202 {}`, answered before the account is looked up; the link goes only to an existing address and lives 30 minutes.",
    security: ["publishableKey"],
    body: forgotSchema,
    bodyExample: { email: "ada@example.com" },
    answers: { 202: { description: "Accepted.", json: z.object({}) } },
    errors: ["invalid_email", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/password/reset",
    tag: "accounts",
    summary: "Set a new password with the token of a reset link",
    description: "Signs in, and revokes every other session of the user. The token works once.",
    security: ["publishableKey"],
    body: resetSchema,
    answers: { 200: { description: "A session, or the second step still owed.", json: signInAnswer } },
    errors: ["weak_password", "code_expired", "user_disabled", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/password",
    tag: "accounts",
    summary: "Change (or set) the signed-in user's password",
    description:
      "`current_password` is required when the user has one. Every other session is revoked. With a second factor enrolled, the sign-in must be recent (RFC 9470 step-up).",
    security: ["accessToken"],
    body: changeSchema,
    bodyExample: { current_password: "a long passphrase of mine", new_password: "an even longer passphrase" },
    answers: { 204: { description: "Changed." } },
    errors: ["invalid_credentials", "weak_password", "insufficient_user_authentication", "too_many_attempts", "sign_in_method_disabled"],
  },
];
