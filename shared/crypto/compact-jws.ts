import { accessTokenClaimsSchema, lifetimeWithinCap, type AccessTokenClaims } from "../domain/access-token-claims";
import { err, ok, type Result } from "../errors/result";
import { parseStrictJson } from "../http/strict-json";
import { decodeBase64Url } from "./base64url";

/** Asymmetric algorithms an access token may be signed with. `none` and HMAC are not among them, ever. */
export const SUPPORTED_ALGORITHMS = ["ES256", "ES384", "ES512"] as const;
export type SupportedAlgorithm = (typeof SUPPORTED_ALGORITHMS)[number];

export function isSupportedAlgorithm(alg: unknown): alg is SupportedAlgorithm {
  return typeof alg === "string" && (SUPPORTED_ALGORITHMS as readonly string[]).includes(alg);
}

/** Signature length of raw (IEEE P1363) r‖s for each algorithm. */
export const SIGNATURE_BYTES: Record<SupportedAlgorithm, number> = { ES256: 64, ES384: 96, ES512: 132 };

/** Why a token failed before any key was involved. For logs only; clients hear a generic description. */
export type CompactJwsRejection =
  | "not_compact"
  | "bad_header"
  | "alg_not_allowed"
  | "forbidden_header_param"
  | "bad_typ"
  | "bad_kid"
  | "bad_payload"
  | "lifetime_too_long"
  | "bad_signature_encoding";

/** The only header parameters a Portcullis access token has. Anything else (`jwk`, `jku`, `x5u`, `x5c`, `crit`, `b64`, `zip`…) is refused. */
const ALLOWED_HEADER_PARAMS = new Set(["alg", "kid", "typ"]);
const ACCEPTED_TYP = new Set(["at+jwt", "application/at+jwt"]);
const KID_SHAPE = /^key_[0-9a-z]{26}$/;
const COMPACT_SHAPE = /^([A-Za-z0-9_-]{2,2048})\.([A-Za-z0-9_-]{2,8192})\.([A-Za-z0-9_-]{2,512})$/;
/** Refuses invalid UTF-8 and keeps a BOM as data; one decoder serves every token (a non-streaming decode keeps no state). */
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
/** The signing input is base64url text, so its UTF-8 bytes are its ASCII bytes. */
const ASCII = new TextEncoder();

export interface ParsedToken {
  readonly alg: SupportedAlgorithm;
  readonly kid: string;
  readonly claims: AccessTokenClaims;
  readonly signingInput: Uint8Array<ArrayBuffer>;
  readonly signature: Uint8Array<ArrayBuffer>;
}

/**
 * Everything about an access token that needs no key, cheapest first: compact
 * serialization, a strict header with an allowed `alg`, no key material or
 * critical extensions, `typ` at+jwt, a well-formed `kid`, strict claims (a
 * duplicate member anywhere is refused, never resolved), a lifetime no tenant
 * can configure refused, and a signature of the right length with neither
 * half zero. The gate and the issuer both read tokens through this one parser.
 */
export function parseCompactJws(token: string, allowedAlgorithms: ReadonlySet<string>): Result<ParsedToken, CompactJwsRejection> {
  const parts = COMPACT_SHAPE.exec(token);
  if (!parts?.[1] || !parts[2] || !parts[3]) return err("not_compact");
  const [, encodedHeader, encodedPayload, encodedSignature] = parts;

  const header = decodeJsonObject(encodedHeader);
  if (header === null) return err("bad_header");
  for (const name of Object.keys(header)) if (!ALLOWED_HEADER_PARAMS.has(name)) return err("forbidden_header_param");
  const { alg, kid, typ } = header;
  if (typeof alg !== "string" || !allowedAlgorithms.has(alg) || !isSupportedAlgorithm(alg)) return err("alg_not_allowed");
  if (typeof typ !== "string" || !ACCEPTED_TYP.has(typ.toLowerCase())) return err("bad_typ");
  if (typeof kid !== "string" || !KID_SHAPE.test(kid)) return err("bad_kid");

  const signature = decodeBase64Url(encodedSignature);
  if (signature?.length !== SIGNATURE_BYTES[alg] || halfIsZero(signature)) return err("bad_signature_encoding");

  const payload = decodeJsonObject(encodedPayload);
  const claims = payload === null ? null : accessTokenClaimsSchema.safeParse(payload);
  if (!claims?.success) return err("bad_payload");
  if (!lifetimeWithinCap(claims.data)) return err("lifetime_too_long");

  return ok({ alg, kid, claims: claims.data, signingInput: new Uint8Array(ASCII.encode(`${encodedHeader}.${encodedPayload}`)), signature });
}

function decodeJsonObject(encoded: string): Record<string, unknown> | null {
  const bytes = decodeBase64Url(encoded);
  if (bytes === null) return null;
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return null;
  }
  const parsed = parseStrictJson(text);
  if (!parsed.ok || typeof parsed.value !== "object" || parsed.value === null || Array.isArray(parsed.value)) return null;
  return parsed.value;
}

/** r = 0 or s = 0 never verifies in correct ECDSA; refusing it here does not rely on the runtime to get that right. */
function halfIsZero(signature: Uint8Array): boolean {
  const half = signature.length / 2;
  return signature.subarray(0, half).every((byte) => byte === 0) || signature.subarray(half).every((byte) => byte === 0);
}
