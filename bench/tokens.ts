import { signAccessToken } from "../shared/crypto/access-token";
import { importPrivateSigningKey } from "../shared/crypto/es256-keys";
import { newId, randomBase32 } from "../shared/crypto/ids";
import { openSecret } from "../shared/crypto/key-encryption";
import { createDatabase } from "../shared/adapters/neon/database";
import { neonSigningKeyStore } from "../shared/adapters/neon/signing-key-store";
import type { AccessTokenClaims } from "../shared/domain/access-token-claims";

export interface IssuerSigner {
  readonly kid: string;
  readonly privateKey: CryptoKey;
}

/**
 * The issuer's current signing key, read from its database and opened with
 * its KEY_ENCRYPTION_SECRET, as the issuer itself does. Tokens signed with it
 * are byte-for-byte what the issuer mints (same function, same key), without
 * a sign-in round trip per token.
 */
export async function issuerSigner(database: { url: string; fetchEndpoint: string }, keyEncryptionSecret: string): Promise<IssuerSigner> {
  const keys = await neonSigningKeyStore(createDatabase(database)).listPublished(new Date());
  const current = keys.find((key) => key.alg === "ES256" && key.state === "current");
  if (!current) throw new Error("the issuer has no current signing key yet");
  const privateJwk = await openSecret(keyEncryptionSecret, "signing-key", current.encryptedPrivateKey, current.kid);
  if (privateJwk === null) throw new Error("the issuer's key does not open with its KEY_ENCRYPTION_SECRET");
  return { kid: current.kid, privateKey: await importPrivateSigningKey(privateJwk) };
}

export interface BenchUser {
  readonly sub: string;
  readonly sid: string;
}

export function benchUsers(count: number): BenchUser[] {
  return Array.from({ length: count }, () => ({ sub: newId("usr"), sid: newId("ses") }));
}

/** `count` tokens for `users` in turn, each with its own `jti`, valid for an hour. */
export async function mintTokens(signer: IssuerSigner, claims: { iss: string; aud: string; tid: string }, users: readonly BenchUser[], count: number): Promise<string[]> {
  const iat = Math.floor(Date.now() / 1000);
  const tokens: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const user = users[index % users.length];
    if (!user) throw new Error("no users to mint for");
    const payload: AccessTokenClaims = { ...claims, sub: user.sub, sid: user.sid, roles: ["user"], jti: randomBase32(26), iat, exp: iat + 3600 };
    tokens.push(await signAccessToken(payload, signer));
  }
  return tokens;
}
