import { SignJWT } from "jose";
import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import type { AmrValue } from "../../../../shared/domain/authentication-methods";
import type { UserRecord } from "../../../../shared/ports/user-repository";
import type { SigningAlgorithm } from "../../../../shared/ports/signing-key-store";
import type { ActiveSigner } from "../signing-keys";

export interface IdTokenInput {
  readonly issuer: string;
  readonly clientId: string;
  readonly user: UserRecord;
  readonly sessionId: string;
  readonly nonce: string | null;
  readonly scopes: ReadonlySet<string>;
  readonly authTime: Date;
  readonly amr: readonly AmrValue[];
  readonly accessToken: string;
  readonly ttlSeconds: number;
  readonly now: Date;
  readonly alg: SigningAlgorithm;
  readonly signer: ActiveSigner;
}

/** Claims released by scope (OIDC Core §5.4); the same rule serves userinfo. */
export function scopedClaims(user: UserRecord, scopes: ReadonlySet<string>): Record<string, unknown> {
  const claims: Record<string, unknown> = {};
  if (scopes.has("email") && user.email !== null) {
    claims.email = user.email;
    claims.email_verified = user.emailVerified;
  }
  if (scopes.has("phone") && user.phone !== null) {
    // A phone on a user is always one proved by a code.
    claims.phone_number = user.phone;
    claims.phone_number_verified = true;
  }
  const name = user.metadata.name;
  if (scopes.has("profile") && typeof name === "string") claims.name = name;
  return claims;
}

/** The OpenID Connect id_token (Core §2, §3.1.3.6), signed with the client's registered algorithm. */
export async function signIdToken(input: IdTokenInput): Promise<string> {
  const iat = Math.floor(input.now.getTime() / 1000);
  return new SignJWT({
    sub: input.user.id,
    auth_time: Math.floor(input.authTime.getTime() / 1000),
    amr: [...input.amr],
    sid: input.sessionId,
    at_hash: await accessTokenHash(input.accessToken),
    ...(input.nonce === null ? {} : { nonce: input.nonce }),
    ...scopedClaims(input.user, input.scopes),
  })
    .setProtectedHeader({ alg: input.alg, kid: input.signer.kid, typ: "JWT" })
    .setIssuer(input.issuer)
    .setAudience(input.clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + input.ttlSeconds)
    .sign(input.signer.privateKey);
}

/** Core §3.1.3.6: the left half of SHA-256 of the access token's ASCII, base64url (both algorithms hash with SHA-256). */
async function accessTokenHash(accessToken: string): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(accessToken)));
  return encodeBase64Url(digest.slice(0, digest.length / 2));
}
