/**
 * Every failure a client can cause, tagged by `reason`. The reasons are the
 * contract's error codes; `failure-response.ts` maps each one to the wire.
 */
export type Failure =
  | { readonly reason: "not_found"; readonly message?: string }
  | { readonly reason: "method_not_allowed"; readonly allow: readonly string[] }
  | { readonly reason: "unsupported_media_type"; readonly expected?: string }
  | { readonly reason: "invalid_json"; readonly message?: string }
  | { readonly reason: "payload_too_large"; readonly limitBytes: number }
  | { readonly reason: "invalid_request"; readonly field: string; readonly message: string }
  | { readonly reason: "unauthorized" }
  | { readonly reason: "slug_taken" }
  | { readonly reason: "invalid_api_key" }
  | { readonly reason: "invalid_token"; readonly description: string }
  | { readonly reason: "insufficient_scope"; readonly description: string }
  | { readonly reason: "invalid_phone" }
  | { readonly reason: "phone_not_allowed"; readonly detail: PhoneRefusal; readonly turnstileSiteKey?: string }
  | { readonly reason: "rate_limited"; readonly retryAfterSeconds: number }
  | { readonly reason: "sms_unavailable" }
  | { readonly reason: "invalid_code"; readonly attemptsRemaining: number }
  | { readonly reason: "code_expired" }
  /** `of` names what was tried too often: codes (the default) or passwords. */
  | { readonly reason: "too_many_attempts"; readonly retryAfterSeconds: number | null; readonly of?: "codes" | "passwords" }
  | { readonly reason: "invalid_grant" }
  | { readonly reason: "user_disabled" }
  | { readonly reason: "service_unavailable"; readonly retryAfterSeconds: number }
  | { readonly reason: "gate_not_configured" }
  | { readonly reason: "bad_gateway" }
  | { readonly reason: "authentication_required" }
  | { readonly reason: "invalid_signature" }
  | { readonly reason: "ambiguous_path" }
  | { readonly reason: "idempotency_key_in_use"; readonly retryAfterSeconds: number }
  | { readonly reason: "idempotency_key_reused" }
  | { readonly reason: "sign_in_method_disabled" }
  | { readonly reason: "invalid_email" }
  | { readonly reason: "weak_password"; readonly detail: WeakPasswordReason }
  | { readonly reason: "email_taken" }
  | { readonly reason: "phone_taken" }
  | { readonly reason: "invalid_credentials" }
  | { readonly reason: "email_not_verified" }
  | { readonly reason: "email_unavailable" }
  /** RFC 9470: the token is valid but its sign-in is too old (`maxAge`) or lacks a second factor (`acrValues`). */
  | { readonly reason: "insufficient_user_authentication"; readonly description: string; readonly maxAge?: number; readonly acrValues?: string }
  | { readonly reason: "mfa_token_expired" }
  | { readonly reason: "invalid_credential" }
  | { readonly reason: "totp_already_enrolled" }
  | { readonly reason: "no_second_factor" };

export type WeakPasswordReason = "too_short" | "too_long" | "breached" | "matches_email";

export type PhoneRefusal = "voip" | "country" | "premium_rate" | "number_type" | "risk" | "challenge_required" | "challenge_failed";

export type FailureReason = Failure["reason"];
