import { decodeJwt, importJWK, SignJWT, type JWTPayload } from "jose";
import { newSigningKey, type PrivateSigningKey } from "./signing-keys";

/** Ways the next id_token for a client can be spoiled, so relying-party tests see each attack. */
export const BAD_TOKEN_KINDS = ["other_key", "other_audience", "expired", "alg_none", "wrong_nonce", "wrong_issuer"] as const;
export type BadTokenKind = (typeof BAD_TOKEN_KINDS)[number];

export function isBadTokenKind(value: unknown): value is BadTokenKind {
  return typeof value === "string" && (BAD_TOKEN_KINDS as readonly string[]).includes(value);
}

/** One-shot spoilers, keyed by client id: taking one removes it. */
export class BadTokenQueue {
  readonly #next = new Map<string, BadTokenKind>();

  set(clientId: string, kind: BadTokenKind): void {
    this.#next.set(clientId, kind);
  }

  take(clientId: string): BadTokenKind | undefined {
    const kind = this.#next.get(clientId);
    this.#next.delete(clientId);
    return kind;
  }
}

/** Signs `claims` as an id_token, spoiled as `kind` says when given. */
export async function signIdToken(claims: JWTPayload, key: PrivateSigningKey, kind: BadTokenKind | undefined): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: JWTPayload = { ...claims };
  let signingKey = key;
  switch (kind) {
    case undefined:
      break;
    case "other_key":
      // Same kid, so only the signature check can catch it.
      signingKey = { ...(await newSigningKey(key.alg === "ES256" ? "ES256" : "RS256")), kid: key.kid };
      break;
    case "other_audience":
      payload.aud = "someone-else";
      break;
    case "expired":
      payload.iat = now - 7200;
      payload.exp = now - 3600;
      break;
    case "alg_none":
      return unsecuredJwt(payload);
    case "wrong_nonce":
      payload.nonce = "not-the-nonce-you-sent";
      break;
    case "wrong_issuer":
      payload.iss = "https://issuer.invalid";
      break;
  }
  const privateKey = await importJWK(signingKey, signingKey.alg);
  return new SignJWT(payload).setProtectedHeader({ alg: signingKey.alg, kid: signingKey.kid, typ: "JWT" }).sign(privateKey);
}

/** Re-signs an id_token that oidc-provider issued, spoiled as `kind` says. */
export async function spoilIdToken(idToken: string, key: PrivateSigningKey, kind: BadTokenKind): Promise<string> {
  return signIdToken(decodeJwt(idToken), key, kind);
}

function unsecuredJwt(payload: JWTPayload): string {
  const encode = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
  return `${encode({ alg: "none", typ: "JWT" })}.${encode(payload)}.`;
}
