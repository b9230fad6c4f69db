import { TOTP_DIGITS, TOTP_PERIOD_SECONDS } from "../crypto/totp";

/**
 * The Key Uri Format authenticator apps scan (Google Authenticator's, which the others follow):
 * `otpauth://totp/<issuer>:<account>?secret=…&issuer=…&algorithm=SHA1&digits=6&period=30`.
 * Issuer and account are percent-encoded (a space as %20, never `+`; a colon inside either as
 * %3A), so neither can end the label early or add a parameter.
 */
export function otpauthUri(key: { readonly issuer: string; readonly account: string; readonly secret: string }): string {
  const issuer = encodeURIComponent(key.issuer);
  const label = `${issuer}:${encodeURIComponent(key.account)}`;
  return `otpauth://totp/${label}?secret=${encodeURIComponent(key.secret)}&issuer=${issuer}&algorithm=SHA1&digits=${TOTP_DIGITS}&period=${TOTP_PERIOD_SECONDS}`;
}
