import type { SupportedAlgorithm } from "./compact-jws";

const CURVES: Record<SupportedAlgorithm, { namedCurve: string; hash: string }> = {
  ES256: { namedCurve: "P-256", hash: "SHA-256" },
  ES384: { namedCurve: "P-384", hash: "SHA-384" },
  ES512: { namedCurve: "P-521", hash: "SHA-512" },
};

/** The public members of a JWK as published; anything else in it is ignored. */
export interface PublicEcJwk {
  readonly kty?: unknown;
  readonly crv?: unknown;
  readonly x?: unknown;
  readonly y?: unknown;
}

/** A verification key for `alg`, or null when the JWK is not a public key on that algorithm's curve. */
export async function importVerificationKey(jwk: PublicEcJwk, alg: SupportedAlgorithm): Promise<CryptoKey | null> {
  const { namedCurve } = CURVES[alg];
  if (jwk.kty !== "EC" || jwk.crv !== namedCurve || typeof jwk.x !== "string" || typeof jwk.y !== "string") return null;
  try {
    return await crypto.subtle.importKey("jwk", { kty: "EC", crv: namedCurve, x: jwk.x, y: jwk.y }, { name: "ECDSA", namedCurve }, false, ["verify"]);
  } catch {
    return null;
  }
}

/** WebCrypto ECDSA over a raw r‖s signature, which is what JWS uses (never DER). */
export function verifySignature(key: CryptoKey, alg: SupportedAlgorithm, signature: Uint8Array<ArrayBuffer>, signingInput: Uint8Array<ArrayBuffer>): Promise<boolean> {
  return crypto.subtle.verify({ name: "ECDSA", hash: CURVES[alg].hash }, key, signature, signingInput);
}
