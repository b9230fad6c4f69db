import { sha256Hex } from "../../../../shared/crypto/hashing";
import { randomBase32 } from "../../../../shared/crypto/ids";
import type { AmrValue } from "../../../../shared/domain/authentication-methods";
import type { AuthorizationCodeStore } from "../../../../shared/ports/authorization-code-store";

/** RFC 6749 §4.1.2 recommends at most 10 minutes; the code is redeemed by a back-channel call within seconds. */
export const AUTHORIZATION_CODE_TTL_SECONDS = 60;

const CODE_PREFIX = "ac_";

export interface AuthorizationCodeDeps {
  readonly authorizationCodes: AuthorizationCodeStore;
}

export interface AuthorizationGrant {
  readonly tenantId: string;
  readonly clientId: string;
  readonly userId: string;
  readonly browserSessionId: string | null;
  readonly redirectUri: string;
  /** The S256 `code_challenge` of the authorization request. */
  readonly codeChallenge: string;
  readonly nonce: string | null;
  /** Space-separated granted scopes. */
  readonly scope: string;
  readonly authTime: Date;
  readonly amr: readonly AmrValue[];
}

/** A new single-use code for the grant; only its SHA-256 is stored, and it lives 60 s. */
export async function issueAuthorizationCode(deps: AuthorizationCodeDeps, input: AuthorizationGrant, now: Date): Promise<string> {
  // 52 base32 characters: 260 random bits.
  const code = `${CODE_PREFIX}${randomBase32(52)}`;
  await deps.authorizationCodes.insert(
    {
      codeHash: await authorizationCodeHash(code),
      tenantId: input.tenantId,
      clientId: input.clientId,
      userId: input.userId,
      browserSessionId: input.browserSessionId,
      redirectUri: input.redirectUri,
      codeChallenge: input.codeChallenge,
      nonce: input.nonce,
      scope: input.scope,
      authTime: input.authTime,
      amr: input.amr,
      expiresAt: new Date(now.getTime() + AUTHORIZATION_CODE_TTL_SECONDS * 1000),
    },
    now,
  );
  return code;
}

export function authorizationCodeHash(code: string): Promise<string> {
  return sha256Hex(code);
}
