import type { CompactJwsRejection } from "../../../shared/crypto/compact-jws";

/**
 * Why a token was refused. Used for logs and metrics only; the client hears a
 * generic description, so the gate never tells an attacker which check failed.
 */
export type TokenRejection =
  | "header_too_large"
  | "not_bearer"
  | CompactJwsRejection
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
