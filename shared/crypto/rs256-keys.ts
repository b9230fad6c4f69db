import { exportJWK, generateKeyPair, importJWK, type JWK } from "jose";

/** OpenID Connect Core §15.1 makes RS256 the one id_token algorithm every provider must offer. */
export const ID_TOKEN_RSA_ALGORITHM = "RS256";

/** NIST SP 800-57 holds 2048-bit RSA adequate through 2030; every OIDC library verifies it. */
export const RSA_MODULUS_BITS = 2048;

export interface PublicRs256Jwk {
  readonly kty: "RSA";
  readonly n: string;
  readonly e: string;
  readonly kid: string;
  readonly alg: typeof ID_TOKEN_RSA_ALGORITHM;
  readonly use: "sig";
}

/** An RSASSA-PKCS1-v1_5 / SHA-256 key pair; the private JWK as JSON, to be sealed before it is stored. */
export async function generateRs256Key(kid: string): Promise<{ publicJwk: PublicRs256Jwk; privateJwkJson: string }> {
  const { publicKey, privateKey } = await generateKeyPair(ID_TOKEN_RSA_ALGORITHM, { modulusLength: RSA_MODULUS_BITS, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  if (publicJwk.kty !== "RSA" || !publicJwk.n || !publicJwk.e) throw new Error("generated key is not an RSA key");
  return { publicJwk: { kty: "RSA", n: publicJwk.n, e: publicJwk.e, kid, alg: ID_TOKEN_RSA_ALGORITHM, use: "sig" }, privateJwkJson: JSON.stringify(await exportJWK(privateKey)) };
}

export async function importPrivateRs256Key(privateJwkJson: string): Promise<CryptoKey> {
  const key = await importJWK(JSON.parse(privateJwkJson) as JWK, ID_TOKEN_RSA_ALGORITHM);
  if (!(key instanceof CryptoKey)) throw new Error("signing key did not import as a CryptoKey");
  return key;
}
