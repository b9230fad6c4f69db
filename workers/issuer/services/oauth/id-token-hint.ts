import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from "jose";
import { z } from "zod";
import { isId } from "../../../../shared/crypto/ids";
import { err, ok, type Result } from "../../../../shared/errors/result";
import { ID_TOKEN_ALGORITHMS } from "./provider-metadata";
import type { SigningKeyService } from "../signing-keys";

export interface IdTokenHintDeps {
  readonly signingKeys: Pick<SigningKeyService, "publishedKeys">;
  readonly issuer: string;
}

/** Who the hint was issued to and about. */
export interface IdTokenHint {
  readonly clientId: string;
  readonly subject: string;
}

/** Longer than any id_token we sign (RS256 with every scoped claim is well under 2 KiB). */
const MAX_HINT_LENGTH = 8192;

const hintClaims = z.looseObject({
  iss: z.string(),
  sub: z.string().min(1).max(64),
  aud: z.union([z.string(), z.array(z.string()).length(1)]),
});

/**
 * RP-Initiated Logout 1.0 §2: an `id_token_hint` is one of our own id_tokens. Its signature
 * is checked against every key the JWKS still publishes (current, next and retired, RS256 and
 * ES256), and its issuer, `typ` and audience (one client) are checked; its `exp` is not,
 * because an RP logging a user out often holds an id_token that has expired, and §2 says the
 * OP should accept it. Anything else, a forged token or another issuer's, is `invalid`.
 */
export async function verifyIdTokenHint(deps: IdTokenHintDeps, hint: string): Promise<Result<IdTokenHint, "invalid">> {
  if (hint.length > MAX_HINT_LENGTH) return err("invalid");
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(hint);
  } catch {
    return err("invalid");
  }
  // An access token (`at+jwt`) is not an id_token, though signed by the same issuer.
  if (header.typ !== "JWT" || typeof header.kid !== "string" || !ID_TOKEN_ALGORITHMS.some((alg) => alg === header.alg)) return err("invalid");
  const key = (await deps.signingKeys.publishedKeys()).find((candidate) => candidate.kid === header.kid && candidate.alg === header.alg);
  if (!key) return err("invalid");
  let payload: Uint8Array;
  try {
    const verified = await compactVerify(hint, await importJWK(key.publicJwk as JWK, key.alg), { algorithms: [key.alg] });
    payload = verified.payload;
  } catch {
    return err("invalid");
  }
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(payload));
  } catch {
    return err("invalid");
  }
  const claims = hintClaims.safeParse(json);
  if (!claims.success || claims.data.iss !== deps.issuer) return err("invalid");
  const aud = Array.isArray(claims.data.aud) ? claims.data.aud[0] : claims.data.aud;
  if (aud === undefined || !isId("cli", aud)) return err("invalid");
  return ok({ clientId: aud, subject: claims.data.sub });
}
