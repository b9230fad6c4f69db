import { canonicalString, requestTarget, SIGNATURE_VERSION } from "./canonical-string";
import { fromHex, importHmacKey, utf8 } from "./hmac";
import { IDENTITY_HEADERS, type GateIdentity } from "./identity-headers";

/** How old a signature may be, and how far in the future, before an origin refuses it. */
export const DEFAULT_MAX_AGE_SECONDS = 60;

export interface HeaderSource {
  get(name: string): string | null;
}

export interface VerifyInput {
  /** The request's headers: a `Headers`, or anything with a case-insensitive `get`. */
  readonly headers: HeaderSource;
  readonly method: string;
  /** The full URL the origin received, or its `/path?query`. */
  readonly url: string;
  /** The `GATE_SIGNING_SECRET` the gate signs with. */
  readonly secret: string;
  readonly maxAgeSeconds?: number;
  /** Unix seconds; defaults to the clock. */
  readonly now?: number;
}

export type VerifyResult =
  | { readonly ok: true; readonly identity: GateIdentity; readonly signedAt: number }
  | { readonly ok: false; readonly reason: "missing" | "malformed" | "stale" | "bad_signature" };

const SIGNATURE_SHAPE = new RegExp(`^t=(\\d{1,12}),${SIGNATURE_VERSION}=([0-9a-f]{64})$`);

/**
 * For origins behind the gate: checks that the identity headers of a request
 * were set by the gate for this very request, recently. Dependency-free
 * (WebCrypto only), so it runs in Workers, Node 18+, Deno and Bun.
 * The HMAC comparison is WebCrypto's `verify`, which is constant-time.
 */
export async function verifyGateRequest(input: VerifyInput): Promise<VerifyResult> {
  const header = input.headers.get(IDENTITY_HEADERS.signature);
  if (header === null) return { ok: false, reason: "missing" };
  const match = SIGNATURE_SHAPE.exec(header.trim());
  const mac = match?.[2] ? fromHex(match[2]) : null;
  if (!match?.[1] || mac === null) return { ok: false, reason: "malformed" };

  const timestamp = Number(match[1]);
  const now = input.now ?? Math.floor(Date.now() / 1000);
  const maxAge = input.maxAgeSeconds ?? DEFAULT_MAX_AGE_SECONDS;
  if (Math.abs(now - timestamp) > maxAge) return { ok: false, reason: "stale" };

  const identity: GateIdentity = {
    userId: input.headers.get(IDENTITY_HEADERS.userId) ?? "",
    tenantId: input.headers.get(IDENTITY_HEADERS.tenantId) ?? "",
    sessionId: input.headers.get(IDENTITY_HEADERS.sessionId) ?? "",
    roles: splitRoles(input.headers.get(IDENTITY_HEADERS.roles) ?? ""),
    requestId: input.headers.get(IDENTITY_HEADERS.requestId) ?? "",
  };
  const target = input.url.startsWith("/") ? input.url : requestTarget(input.url);
  const key = await importHmacKey(input.secret, "verify");
  const valid = await crypto.subtle.verify("HMAC", key, mac, utf8(canonicalString({ timestamp, method: input.method, target, identity })));
  return valid ? { ok: true, identity, signedAt: timestamp } : { ok: false, reason: "bad_signature" };
}

function splitRoles(value: string): string[] {
  return value === "" ? [] : value.split(",");
}
