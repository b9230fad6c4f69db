import type { Failure, WeakPasswordReason } from "./failure";

export interface ErrorResponse {
  readonly status: 400 | 401 | 403 | 404 | 405 | 409 | 413 | 415 | 422 | 429 | 502 | 503;
  readonly code: string;
  readonly message: string;
  readonly extra: Readonly<Record<string, unknown>>;
  readonly headers: Readonly<Record<string, string>>;
}

/**
 * The one mapping from failures to HTTP. No `default` branch: a new reason that
 * is not mapped here fails to compile. Messages are generic plain words; they
 * never carry a token, code, key or phone number.
 */
export function failureResponse(failure: Failure): ErrorResponse {
  switch (failure.reason) {
    case "not_found":
      return response(404, failure.reason, failure.message ?? "No such resource.");
    case "method_not_allowed":
      return response(405, failure.reason, "This method is not allowed on this resource.", {}, { Allow: failure.allow.join(", ") });
    case "unsupported_media_type":
      return response(415, failure.reason, `The body must be ${failure.expected ?? "application/json"}.`);
    case "invalid_json":
      return response(400, failure.reason, failure.message ?? "The body is not valid JSON.");
    case "payload_too_large":
      return response(413, failure.reason, `The body is larger than ${failure.limitBytes} bytes.`);
    case "invalid_request":
      return response(400, failure.reason, failure.message, { field: failure.field });
    case "unauthorized":
      return response(401, failure.reason, "Missing or wrong admin token.", {}, { "WWW-Authenticate": 'Bearer realm="portcullis-admin"' });
    case "slug_taken":
      return response(409, failure.reason, "A tenant with this slug already exists.");
    case "invalid_api_key":
      return response(401, failure.reason, "Missing or unknown API key.");
    case "invalid_token":
      return response(401, failure.reason, "The access token is missing, invalid or revoked.", {}, {
        "WWW-Authenticate": bearerChallenge({ realm: "portcullis", error: "invalid_token", error_description: failure.description }),
      });
    case "insufficient_scope":
      return response(403, failure.reason, "The access token lacks a required role.", {}, {
        "WWW-Authenticate": bearerChallenge({ realm: "portcullis", error: "insufficient_scope", error_description: failure.description }),
      });
    case "invalid_phone":
      return response(400, failure.reason, "The phone number is not valid.");
    case "phone_not_allowed":
      return response(403, failure.reason, failure.detail === "challenge_required" ? "Complete the challenge, then ask again with its token." : "This phone number cannot be used to sign in.", {
        reason: failure.detail,
        ...(failure.turnstileSiteKey === undefined ? {} : { turnstile_site_key: failure.turnstileSiteKey }),
      });
    case "rate_limited":
      return response(429, failure.reason, "Too many requests; try again later.", {}, retryAfter(failure.retryAfterSeconds));
    case "sms_unavailable":
      return response(502, failure.reason, "The code could not be sent; try again later.");
    case "invalid_code":
      return response(401, failure.reason, "The code is wrong.", { attempts_remaining: failure.attemptsRemaining });
    case "code_expired":
      return response(401, failure.reason, "There is no live code or link for this; request a new one.");
    case "too_many_attempts":
      return response(429, failure.reason, failure.of === "passwords" ? "Too many failed sign-in attempts; try again later." : "Too many wrong codes.", {}, failure.retryAfterSeconds === null ? {} : retryAfter(failure.retryAfterSeconds));
    case "invalid_grant":
      return response(401, failure.reason, "The refresh token is unknown, expired or revoked.");
    case "user_disabled":
      return response(403, failure.reason, "This account is disabled.");
    case "service_unavailable":
      return response(503, failure.reason, "A dependency is unavailable; try again shortly.", {}, retryAfter(failure.retryAfterSeconds));
    case "gate_not_configured":
      // An operator's mistake, not an outage: no Retry-After, nothing a client can do.
      return response(503, "service_unavailable", "This gate has not been told which tenants it serves, so it serves none.");
    case "bad_gateway":
      return response(502, failure.reason, "The origin could not be reached.");
    case "authentication_required":
      // RFC 6750 §3.1: a request without credentials gets a challenge with no error code.
      return response(401, "invalid_token", "An access token is required.", {}, { "WWW-Authenticate": bearerChallenge({ realm: "portcullis" }) });
    case "invalid_signature":
      // A webhook whose provider signature is missing or wrong (e.g. X-Twilio-Signature); nothing was changed.
      return response(403, failure.reason, "The request signature is missing or does not match.");
    case "ambiguous_path":
      return response(400, "invalid_request", "The path is spelled in a way web servers read differently (such as an encoded slash, dot or percent sign, a backslash, a semicolon, a control character or broken UTF-8), so the gate refuses it.", { field: "path" });
    case "idempotency_key_in_use":
      return response(409, failure.reason, "A request with this Idempotency-Key is still in progress; retry shortly.", {}, retryAfter(failure.retryAfterSeconds));
    case "idempotency_key_reused":
      return response(422, failure.reason, "This Idempotency-Key was used with a different request; use a new key for a new request.");
    case "sign_in_method_disabled":
      return response(403, failure.reason, "This way of signing in is not enabled for this app.");
    case "invalid_email":
      return response(400, failure.reason, "The email address is not valid.");
    case "weak_password":
      return response(400, failure.reason, WEAK_PASSWORD_MESSAGES[failure.detail], { reason: failure.detail });
    case "email_taken":
      return response(409, failure.reason, "An account with this email address already exists.");
    case "phone_taken":
      return response(409, failure.reason, "Another account already uses this phone number.");
    case "invalid_credentials":
      return response(401, failure.reason, "The email address or password is wrong.");
    case "email_not_verified":
      return response(403, failure.reason, "Verify your email address first; a new verification email is on its way.");
    case "email_unavailable":
      return response(502, failure.reason, "The email could not be sent; try again later.");
    case "insufficient_user_authentication":
      return response(401, failure.reason, failure.acrValues === undefined ? "Sign in again to do this: the sign-in is not recent enough." : "Sign in with a second factor to do this.", {}, {
        "WWW-Authenticate": stepUpChallenge(failure),
      });
    case "mfa_token_expired":
      return response(401, failure.reason, "This sign-in has expired or was used up; start signing in again.");
    case "invalid_credential":
      return response(401, failure.reason, "The passkey could not be verified.");
    case "totp_already_enrolled":
      return response(409, failure.reason, "This account already has an authenticator app; remove it before enrolling another.");
    case "no_second_factor":
      return response(409, failure.reason, "Recovery codes stand in for a second factor: add an authenticator app or a passkey first.");
  }
}

const WEAK_PASSWORD_MESSAGES: Record<WeakPasswordReason, string> = {
  too_short: "The password is too short.",
  too_long: "The password is longer than 128 characters.",
  breached: "This password appears in known data breaches; choose another.",
  matches_email: "The password must not be the email address.",
};

function response(
  status: ErrorResponse["status"],
  code: string,
  message: string,
  extra: Record<string, unknown> = {},
  headers: Record<string, string> = {},
): ErrorResponse {
  return { status, code, message, extra, headers };
}

function retryAfter(seconds: number): Record<string, string> {
  return { "Retry-After": String(Math.max(1, Math.ceil(seconds))) };
}

/**
 * An RFC 6750 challenge. Values end up inside quoted strings, so quotes and
 * backslashes are escaped and anything outside printable ASCII is dropped.
 */
export function bearerChallenge(params: Readonly<Record<string, string>>): string {
  const parts = Object.entries(params).map(([name, value]) => `${name}="${quoteValue(value)}"`);
  return `Bearer ${parts.join(", ")}`;
}

/**
 * RFC 9470 §3: `max_age` is a number, written as a bare token (`max_age=300`); `acr_values`
 * is a quoted, space-separated list.
 */
function stepUpChallenge(failure: { readonly description: string; readonly maxAge?: number; readonly acrValues?: string }): string {
  const challenge = bearerChallenge({
    error: "insufficient_user_authentication",
    error_description: failure.description,
    ...(failure.acrValues === undefined ? {} : { acr_values: failure.acrValues }),
  });
  return failure.maxAge === undefined ? challenge : `${challenge}, max_age=${Math.max(0, Math.floor(failure.maxAge))}`;
}

function quoteValue(value: string): string {
  return value.replace(/[^\x20-\x7e]/g, "").replace(/(["\\])/g, "\\$1");
}
