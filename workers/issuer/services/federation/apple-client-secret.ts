import { importPKCS8, SignJWT } from "jose";

export const APPLE_CLIENT_SECRET_LIFETIME_SECONDS = 5 * 60;

export interface AppleSigningKey {
  readonly teamId: string;
  readonly keyId: string;
  /** the PKCS#8 PEM Apple hands out as a .p8 file */
  readonly privateKeyPem: string;
}

/** Apple's client secret is a short ES256 JWT we sign ourselves (Apple allows up to six months; five minutes is plenty). */
export async function appleClientSecret(key: AppleSigningKey, clientId: string, appleIssuer: string, now: Date): Promise<string | null> {
  let privateKey: Awaited<ReturnType<typeof importPKCS8>>;
  try {
    privateKey = await importPKCS8(key.privateKeyPem, "ES256");
  } catch {
    return null;
  }
  const issuedAt = Math.floor(now.getTime() / 1000);
  return new SignJWT({})
    .setProtectedHeader({ alg: "ES256", kid: key.keyId })
    .setIssuer(key.teamId)
    .setSubject(clientId)
    .setAudience(appleIssuer)
    .setIssuedAt(issuedAt)
    .setExpirationTime(issuedAt + APPLE_CLIENT_SECRET_LIFETIME_SECONDS)
    .sign(privateKey);
}
