/**
 * Why a token was refused. Used for logs and metrics only; the client hears a
 * generic description, so the gate never tells an attacker which check failed.
 */
export type TokenRejection =
  | "header_too_large"
  | "not_bearer"
  | "not_compact"
  | "bad_header"
  | "alg_not_allowed"
  | "forbidden_header_param"
  | "bad_typ"
  | "bad_kid"
  | "bad_payload"
  | "bad_signature_encoding"
  | "unknown_kid"
  | "bad_signature"
  | "expired"
  | "not_yet_valid"
  | "wrong_issuer"
  | "wrong_audience"
  | "wrong_tenant"
  | "revoked";

/** What the client is told in `error_description`: nothing more specific than these. */
export function publicDescription(rejection: TokenRejection): string {
  switch (rejection) {
    case "expired":
      return "The access token expired.";
    case "revoked":
      return "The access token was revoked.";
    default:
      return "The access token is invalid.";
  }
}
