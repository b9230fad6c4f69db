import { SignJWT, errors, jwtVerify, type JWTVerifyGetKey } from "jose";
import { ACCESS_TOKEN_TYPE, CLOCK_SKEW_SECONDS, accessTokenClaimsSchema, type AccessTokenClaims } from "../domain/access-token-claims";
import { err, ok, type Result } from "../errors/result";
import { SIGNING_ALGORITHM } from "./es256-keys";

export async function signAccessToken(claims: AccessTokenClaims, signer: { kid: string; privateKey: CryptoKey }): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid, typ: ACCESS_TOKEN_TYPE })
    .sign(signer.privateKey);
}

export type TokenRejection = "malformed" | "bad_signature" | "expired" | "claims";

/**
 * Verifies one of our access tokens for the issuer's own endpoints: ES256 only,
 * `typ` at+jwt, our issuer, not expired beyond the skew, claims exactly as we
 * issue them. The audience is the caller's to check, per tenant.
 */
export async function verifyAccessToken(token: string, keys: JWTVerifyGetKey, issuer: string): Promise<Result<AccessTokenClaims, TokenRejection>> {
  try {
    const { payload, protectedHeader } = await jwtVerify(token, keys, {
      algorithms: [SIGNING_ALGORITHM],
      issuer,
      typ: ACCESS_TOKEN_TYPE,
      clockTolerance: CLOCK_SKEW_SECONDS,
      requiredClaims: ["exp", "iat", "sub", "aud"],
    });
    if (protectedHeader.crit !== undefined || protectedHeader.jku !== undefined || protectedHeader.jwk !== undefined || protectedHeader.x5u !== undefined) {
      return err("malformed");
    }
    const claims = accessTokenClaimsSchema.safeParse(payload);
    if (!claims.success) return err("claims");
    // jose checks `iat` only with maxTokenAge; a token from the future beyond the skew is refused here.
    if (claims.data.iat > Math.floor(Date.now() / 1000) + CLOCK_SKEW_SECONDS) return err("claims");
    return ok(claims.data);
  } catch (error) {
    if (error instanceof errors.JWTExpired) return err("expired");
    if (error instanceof errors.JWSSignatureVerificationFailed || error instanceof errors.JWKSNoMatchingKey) return err("bad_signature");
    if (error instanceof errors.JWTClaimValidationFailed) return err("claims");
    return err("malformed");
  }
}
