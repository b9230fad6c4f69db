import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

export const SIGNING_ALGORITHM = "ES256";

export interface PublicSigningJwk {
  readonly kty: "EC";
  readonly crv: "P-256";
  readonly x: string;
  readonly y: string;
  readonly kid: string;
  readonly alg: typeof SIGNING_ALGORITHM;
  readonly use: "sig";
}

export interface GeneratedSigningKey {
  readonly publicJwk: PublicSigningJwk;
  /** The private JWK as JSON, to be sealed before it is stored. */
  readonly privateJwkJson: string;
}

export async function generateSigningKey(kid: string): Promise<GeneratedSigningKey> {
  const { publicKey, privateKey } = await generateKeyPair(SIGNING_ALGORITHM, { extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const privateJwk = await exportJWK(privateKey);
  if (publicJwk.kty !== "EC" || publicJwk.crv !== "P-256" || !publicJwk.x || !publicJwk.y) {
    throw new Error("generated key is not a P-256 key");
  }
  return {
    publicJwk: { kty: "EC", crv: "P-256", x: publicJwk.x, y: publicJwk.y, kid, alg: SIGNING_ALGORITHM, use: "sig" },
    privateJwkJson: JSON.stringify(privateJwk),
  };
}

export async function importPrivateSigningKey(privateJwkJson: string): Promise<CryptoKey> {
  const jwk = JSON.parse(privateJwkJson) as JWK;
  const key = await importJWK(jwk, SIGNING_ALGORITHM);
  if (!(key instanceof CryptoKey)) throw new Error("signing key did not import as a CryptoKey");
  return key;
}
