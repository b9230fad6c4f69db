import { encodeBase64Url } from "./base64url";
import { sha256Hex } from "./hashing";

/** The token in an emailed link: 32 random bytes, base64url. Stored only as its SHA-256, like refresh tokens. */
export async function newLinkToken(): Promise<{ token: string; hash: string }> {
  const token = encodeBase64Url(crypto.getRandomValues(new Uint8Array(32)));
  return { token, hash: await linkTokenHash(token) };
}

export function linkTokenHash(token: string): Promise<string> {
  return sha256Hex(`email-link:${token}`);
}

/** A link token as `newLinkToken` writes it: anything else is refused before a lookup. */
export const LINK_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;
