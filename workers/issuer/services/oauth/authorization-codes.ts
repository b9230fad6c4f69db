import { sha256Hex } from "../../../../shared/crypto/hashing";
import { randomBase32 } from "../../../../shared/crypto/ids";
import type { AuthorizationCodeRecord, AuthorizationCodeStore } from "../../../../shared/ports/authorization-code-store";

/** RFC 6749 §4.1.2 recommends at most 10 minutes; the code is redeemed by a back-channel call within seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

const CODE_PREFIX = "ac_";

export interface AuthorizationCodeDeps {
  readonly authorizationCodes: AuthorizationCodeStore;
}

/** What a code grants: the stored record without its hash and lifetime, which issuing decides. */
export type AuthorizationGrant = Omit<AuthorizationCodeRecord, "codeHash" | "expiresAt">;

/** A new single-use code for the grant; only its SHA-256 is stored, and it lives 60 s. */
export async function issueAuthorizationCode(deps: AuthorizationCodeDeps, input: AuthorizationGrant, now: Date): Promise<string> {
  // 52 base32 characters: 260 random bits.
  const code = `${CODE_PREFIX}${randomBase32(52)}`;
  await deps.authorizationCodes.insert(
    {
      ...input,
      codeHash: await authorizationCodeHash(code),
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
    },
    now,
  );
  return code;
}

export function authorizationCodeHash(code: string): Promise<string> {
  return sha256Hex(code);
}
