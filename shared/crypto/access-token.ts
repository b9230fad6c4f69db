import { SignJWT } from "jose";
import { ACCESS_TOKEN_TYPE, tokenTimeRejection, type AccessTokenClaims } from "../domain/access-token-claims";
import { err, ok, type Result } from "../errors/result";
import { parseCompactJws, type CompactJwsRejection, type SupportedAlgorithm } from "./compact-jws";
import { verifySignature } from "./ecdsa-verification";
import { SIGNING_ALGORITHM } from "./es256-keys";

export async function signAccessToken(claims: AccessTokenClaims, signer: { kid: string; privateKey: CryptoKey }): Promise<string> {
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: SIGNING_ALGORITHM, kid: signer.kid, typ: ACCESS_TOKEN_TYPE })
    .sign(signer.privateKey);
}

export type TokenRejection = "malformed" | "bad_signature" | "expired" | "claims";

/** The verification key published under `kid` for `alg`, or null when there is none. */
export type VerificationKeyLookup = (kid: string, alg: SupportedAlgorithm) => Promise<CryptoKey | null>;

const ISSUED_ALGORITHMS: ReadonlySet<string> = new Set([SIGNING_ALGORITHM]);

/**
 * Verifies one of our access tokens for the issuer's own endpoints, with the
 * same strict parser the gate uses (duplicate members, extra header
 * parameters, extra claims and over-long lifetimes are refused, never
 * resolved): ES256 only, `typ` at+jwt, a published key, our issuer, within
 * the clock skew. The audience is the caller's to check, per tenant.
 */
export async function verifyAccessToken(token: string, keyFor: VerificationKeyLookup, issuer: string, nowSeconds: number): Promise<Result<AccessTokenClaims, TokenRejection>> {
  const parsed = parseCompactJws(token, ISSUED_ALGORITHMS);
  if (!parsed.ok) return err(rejectionOf(parsed.error));
  const { alg, kid, claims, signature, signingInput } = parsed.value;
  const key = await keyFor(kid, alg);
  if (key === null || !(await verifySignature(key, alg, signature, signingInput))) return err("bad_signature");
  if (claims.iss !== issuer) return err("claims");
  const time = tokenTimeRejection(claims, nowSeconds);
  if (time === "expired") return err("expired");
  if (time === "not_yet_valid") return err("claims");
  return ok(claims);
}

function rejectionOf(rejection: CompactJwsRejection): TokenRejection {
  switch (rejection) {
    case "bad_typ":
    case "bad_payload":
    case "lifetime_too_long":
      return "claims";
    case "not_compact":
    case "bad_header":
    case "alg_not_allowed":
    case "forbidden_header_param":
    case "bad_kid":
    case "bad_signature_encoding":
      return "malformed";
  }
}
