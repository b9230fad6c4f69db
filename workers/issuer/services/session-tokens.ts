import { issuedAtFor } from "../../../shared/domain/revocation-entries";
import { signAccessToken } from "../../../shared/crypto/access-token";
import { sha256Hex } from "../../../shared/crypto/hashing";
import { randomBase32 } from "../../../shared/crypto/ids";
import { newRefreshToken } from "../../../shared/crypto/tenant-keys";
import type { AmrValue } from "../../../shared/domain/authentication-methods";
import type { TenantSettings } from "../../../shared/domain/tenant-settings";
import type { UserRecord } from "../../../shared/ports/user-repository";
import type { ActiveSigner } from "./signing-keys";

export interface TokenPair {
  readonly token: string;
  readonly refresh_token: string;
  readonly token_type: "Bearer";
  readonly expires_in: number;
}

export interface MintInput {
  /** Fetched before the session is written, so nothing that can fail stands between the write and the answer. */
  readonly signer: ActiveSigner;
  readonly issuer: string;
  readonly settings: TenantSettings;
  readonly user: Pick<UserRecord, "id" | "tenantId" | "roles" | "tokensValidAfter">;
  readonly sessionId: string;
  /** How and when the user signed in: the session's, carried unchanged through every refresh. */
  readonly authentication: { readonly amr: readonly AmrValue[]; readonly authTime: Date };
  readonly refreshToken: string;
  readonly now: Date;
}

/** Signs an access token for a session and pairs it with the session's new refresh token. */
export async function mintTokenPair(input: MintInput): Promise<TokenPair> {
  const iat = issuedAtFor(input.now, input.user.tokensValidAfter);
  const ttl = input.settings.access_token_ttl_seconds;
  const token = await signAccessToken(
    {
      iss: input.issuer,
      aud: input.settings.audience,
      sub: input.user.id,
      tid: input.user.tenantId,
      sid: input.sessionId,
      roles: [...input.user.roles],
      jti: randomBase32(26),
      iat,
      exp: iat + ttl,
      auth_time: Math.floor(input.authentication.authTime.getTime() / 1000),
      amr: [...input.authentication.amr],
    },
    input.signer,
  );
  return { token, refresh_token: input.refreshToken, token_type: "Bearer", expires_in: ttl };
}

export async function newRefreshTokenWithHash(): Promise<{ token: string; hash: string }> {
  const token = newRefreshToken();
  return { token, hash: await sha256Hex(token) };
}
