import { z } from "zod";
import { introspectSchema, profileSchema, refreshSchema, requestSchema, verifySchema } from "../../routes/auth";
import type { Operation } from "../operation";
import { deviceSession, introspection, mfaRequired, phoneSignedIn, profile, tokenPair } from "../schemas";

export const phoneOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/auth/request",
    tag: "phone",
    summary: "Send a sign-in code by SMS",
    description:
      "Sends `Your {sms_branding} verification code is: {code}. Expires in {n} minutes.` The answer is the same whether or not the phone has an account. A new request replaces the previous code.",
    security: ["publishableKey"],
    body: requestSchema,
    bodyExample: { phone: "+14155550123" },
    answers: {
      202: {
        description: "The code is on its way.",
        json: z.object({ request_id: z.string(), expires_in: z.number().int() }),
        example: { request_id: "req_6xQ2nW8pV3kR9tY4mZ1aB5cD", expires_in: 600 },
      },
    },
    errors: ["invalid_phone", "phone_not_allowed", "rate_limited", "sms_unavailable", "sign_in_method_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/verify",
    tag: "phone",
    summary: "Trade a code for a session (or add the phone to a signed-in user)",
    description:
      "With `x-api-key` alone: signs in, creating the user on first success. With an access token as well: verifies the code and makes the phone the token's user's verified phone, answering the profile and no tokens. A code works once; of two verifies racing on one code exactly one succeeds.",
    security: ["publishableKey"],
    body: verifySchema,
    bodyExample: { phone: "+14155550123", code: "123456" },
    answers: {
      200: {
        description: "Signed in, or the second step still owed (`mfa_required`); the profile instead when the phone was added to a signed-in user.",
        json: z.union([phoneSignedIn, mfaRequired, profile]),
        example: { verified: true, token: "eyJhbGciOiJFUzI1NiIs…", refresh_token: "rt_…", token_type: "Bearer", expires_in: 900, user_id: "usr_…", is_new_user: true },
      },
    },
    errors: ["invalid_phone", "invalid_code", "code_expired", "too_many_attempts", "sign_in_method_disabled", "user_disabled", "invalid_token", "phone_taken"],
  },
  {
    method: "post",
    path: "/api/auth/refresh",
    tag: "phone",
    summary: "Rotate a refresh token for a new access token",
    description:
      "The presented refresh token is spent. Presented again within `refresh_reuse_interval_seconds` of its rotation, it is answered with the same successor; later, it revokes the whole session (reuse detection).",
    security: ["publishableKey"],
    body: refreshSchema,
    answers: { 200: { description: "A new access token and the successor refresh token.", json: tokenPair } },
    errors: ["invalid_grant", "user_disabled"],
  },
  {
    method: "post",
    path: "/api/auth/logout",
    tag: "phone",
    summary: "Revoke the access token's session",
    description: "Takes no body (or `{}`). The gate refuses the session's tokens within its staleness bound.",
    security: ["accessToken"],
    answers: { 204: { description: "The session is revoked." } },
    errors: ["invalid_request", "payload_too_large"],
  },
  {
    method: "post",
    path: "/api/auth/logout-all",
    tag: "phone",
    summary: "Revoke every session of the user",
    security: ["accessToken"],
    answers: { 204: { description: "Every session is revoked." } },
    errors: ["invalid_request", "payload_too_large"],
  },
  {
    method: "get",
    path: "/api/auth/me",
    tag: "phone",
    summary: "The signed-in user's profile",
    security: ["accessToken"],
    answers: { 200: { description: "The profile.", json: profile } },
  },
  {
    method: "patch",
    path: "/api/auth/me",
    tag: "phone",
    summary: "Update the signed-in user's profile",
    description: "A new `email` takes effect once proved through the link sent to it; `metadata` replaces the stored metadata (at most 4096 bytes as JSON).",
    security: ["accessToken"],
    body: profileSchema,
    bodyExample: { metadata: { theme: "dark" } },
    answers: {
      200: {
        description: "The profile, as `GET /api/auth/me` answers it, with `pending_email` while a new address waits for its proof.",
        json: profile.extend({ pending_email: z.string().optional().meta({ description: "The new address, until the link sent to it is used." }) }),
      },
    },
    errors: ["invalid_email", "email_taken", "email_unavailable", "rate_limited"],
  },
  {
    method: "post",
    path: "/api/auth/introspect",
    tag: "phone",
    summary: "Introspect an access token (RFC 7662)",
    description: "For a tenant's servers. Revoked, expired, malformed and other tenants' tokens are all `{\"active\": false}`. `roles` are the user's roles now.",
    security: ["secretKey"],
    body: introspectSchema,
    answers: { 200: { description: "The token's claims, or `{\"active\": false}`.", json: introspection } },
  },
  {
    method: "get",
    path: "/api/auth/sessions",
    tag: "phone",
    summary: "The user's live sessions (signed-in devices)",
    security: ["accessToken"],
    answers: { 200: { description: "Newest first.", json: z.object({ sessions: z.array(deviceSession) }) } },
  },
  {
    method: "delete",
    path: "/api/auth/sessions/{id}",
    tag: "phone",
    summary: "Sign one of the user's sessions out",
    description: "Another user's session id, or one of the wrong shape, is `404 not_found`.",
    security: ["accessToken"],
    pathParameters: { id: "A session id (`ses_…`)." },
    answers: { 204: { description: "The session is revoked." } },
    errors: ["invalid_request", "payload_too_large"],
  },
];
