import type { FailureReason } from "../../../shared/errors/failure";

/**
 * The status each contract error code is answered with, as `failure-response.ts` maps it.
 * The two gate-only reasons never reach an issuer client. A test holds this table to that mapping.
 */
export const ERROR_STATUS = {
  not_found: 404,
  method_not_allowed: 405,
  unsupported_media_type: 415,
  invalid_json: 400,
  payload_too_large: 413,
  invalid_request: 400,
  unauthorized: 401,
  slug_taken: 409,
  invalid_api_key: 401,
  invalid_token: 401,
  insufficient_scope: 403,
  invalid_phone: 400,
  phone_not_allowed: 403,
  rate_limited: 429,
  sms_unavailable: 502,
  invalid_code: 401,
  code_expired: 401,
  too_many_attempts: 429,
  invalid_grant: 401,
  user_disabled: 403,
  service_unavailable: 503,
  gate_not_configured: 503,
  bad_gateway: 502,
  authentication_required: 401,
  invalid_signature: 403,
  ambiguous_path: 400,
  idempotency_key_in_use: 409,
  idempotency_key_reused: 422,
  sign_in_method_disabled: 403,
  invalid_email: 400,
  weak_password: 400,
  email_taken: 409,
  phone_taken: 409,
  invalid_credentials: 401,
  email_not_verified: 403,
  email_unavailable: 502,
  insufficient_user_authentication: 401,
  mfa_token_expired: 401,
  invalid_credential: 401,
  totp_already_enrolled: 409,
  no_second_factor: 409,
} as const satisfies Record<FailureReason, number>;

/** The code a reason is answered with on the wire (a few reasons share a code). */
export const WIRE_CODE: Partial<Record<FailureReason, string>> = {
  gate_not_configured: "service_unavailable",
  authentication_required: "invalid_token",
  ambiguous_path: "invalid_request",
};

/** Fields some codes add beside `code` and `message`, each with what it means. */
export const ERROR_EXTRAS = {
  field: { type: "string", description: "The offending field, as a dotted path (invalid_request)." },
  attempts_remaining: { type: "integer", minimum: 0, description: "Wrong codes left before the code dies (invalid_code)." },
  reason: { type: "string", description: "Why: the refusal of phone_not_allowed, or the rule weak_password broke." },
  turnstile_site_key: { type: "string", description: "The Turnstile site key to solve a challenge with (phone_not_allowed, reason challenge_required)." },
} as const;
