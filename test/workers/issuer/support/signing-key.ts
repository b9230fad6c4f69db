import { env } from "cloudflare:workers";
import { expect } from "vitest";
import { and, eq } from "drizzle-orm";
import { signingKeys } from "../../../../drizzle/schema";
import { createDatabase } from "../../../../shared/adapters/neon/database";
import { encodeBase64Url } from "../../../../shared/crypto/base64url";
import { openSecret } from "../../../../shared/crypto/key-encryption";
import { issuerFetch } from "./issuer-client";

/** The issuer's current signing key, opened with its secret, so a test can sign what the issuer never would. */
export async function currentSigningKey(): Promise<{ kid: string; privateKey: CryptoKey }> {
  expect((await issuerFetch("/.well-known/jwks.json")).status).toBe(200);
  const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });
  const [row] = await db.select().from(signingKeys).where(and(eq(signingKeys.state, "current"), eq(signingKeys.alg, "ES256")));
  if (!row) throw new Error("the issuer has no current signing key");
  const opened = await openSecret(env.KEY_ENCRYPTION_SECRET, "signing-key", row.encryptedPrivateKey, row.kid);
  if (opened === null) throw new Error("cannot open the issuer's signing key");
  const privateKey = await crypto.subtle.importKey("jwk", JSON.parse(opened) as JsonWebKey, { name: "ECDSA", namedCurve: "P-256" }, false, ["sign"]);
  return { kid: row.kid, privateKey };
}

const encoder = new TextEncoder();

/** Signs header and payload given as raw JSON text (so a member may appear twice) with ES256. */
export async function signRawEs256(privateKey: CryptoKey, headerJson: string, payloadJson: string): Promise<string> {
  const signingInput = `${encodeBase64Url(encoder.encode(headerJson))}.${encodeBase64Url(encoder.encode(payloadJson))}`;
  const signature = await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, privateKey, encoder.encode(signingInput));
  return `${signingInput}.${encodeBase64Url(new Uint8Array(signature))}`;
}
