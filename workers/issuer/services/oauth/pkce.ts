import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { bytesEqual } from "../../../../shared/crypto/constant-time";

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9\-._~]{43,128}$/;

export function isCodeVerifier(value: string): boolean {
  return CODE_VERIFIER.test(value);
}

/** RFC 7636 §4.6, S256 only: BASE64URL(SHA256(ASCII(code_verifier))) equals the stored challenge, compared in constant time. */
export async function verifierMatches(verifier: string, challenge: string): Promise<boolean> {
  if (!isCodeVerifier(verifier)) return false;
  const computed = encodeBase64Url(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(verifier))));
  const encoder = new TextEncoder();
  return bytesEqual(encoder.encode(computed), encoder.encode(challenge));
}
