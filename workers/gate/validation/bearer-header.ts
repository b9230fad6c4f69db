import { err, ok, type Result } from "../../../shared/errors/result";
import type { TokenRejection } from "./token-rejection";

/** The longest `Authorization` header the gate reads; ours are well under 1 KiB. */
export const MAX_AUTHORIZATION_BYTES = 4096;

const BEARER = /^Bearer +([^ ]+) *$/i;

/** `Authorization: Bearer <token>` → the token, or why not. A missing header is `null`, not a rejection. */
export function bearerFromHeader(header: string | null): Result<string, TokenRejection> | null {
  if (header === null) return null;
  if (header.length > MAX_AUTHORIZATION_BYTES) return err("header_too_large");
  const token = BEARER.exec(header)?.[1];
  return token ? ok(token) : err("not_bearer");
}
