import { baseUrl, defaultFetch, type Fetch } from "../http";
import { base64UrlToBytes } from "../base64url";

/** The claims of a Portcullis access token (`typ: at+jwt`). */
export interface AccessTokenClaims {
  readonly iss: string;
  readonly aud: string | readonly string[];
  /** The user's id, or the OAuth client's for a `client_credentials` token. */
  readonly sub: string;
  readonly tid: string;
  /** The session; absent on a client's own token. */
  readonly sid?: string;
  readonly client_id?: string;
  readonly roles: readonly string[];
  readonly jti: string;
  readonly iat: number;
  readonly exp: number;
  readonly nbf?: number;
  readonly auth_time?: number;
  readonly amr?: readonly string[];
}

export type VerificationFailure = "malformed" | "algorithm_not_allowed" | "wrong_type" | "unknown_key" | "bad_signature" | "expired" | "not_yet_valid" | "wrong_issuer" | "wrong_audience" | "wrong_tenant" | "jwks_unavailable";

export type VerificationResult = { readonly ok: true; readonly claims: AccessTokenClaims } | { readonly ok: false; readonly reason: VerificationFailure };

export interface TokenVerifierOptions {
  readonly issuerUrl: string;
  /** The audience your service accepts (the tenant's `audience` setting). */
  readonly audience: string;
  /** Tenant ids whose tokens are accepted; omit to accept any tenant of this issuer. */
  readonly tenants?: readonly string[];
  /** Allowed clock difference for `exp`, `nbf` and `iat` (default 60 s). */
  readonly clockSkewSeconds?: number;
  /** An unknown `kid` refetches the key set at most this often (default 30 s). */
  readonly minRefetchSeconds?: number;
  readonly fetch?: Fetch;
  readonly now?: () => number;
}

interface PublishedKey {
  readonly kid: string;
  readonly alg: string;
  readonly kty: string;
  readonly crv?: string;
  readonly x?: string;
  readonly y?: string;
}

const decoder = new TextDecoder();

/**
 * Verifies access tokens against the issuer's published keys (JWKS), with the gate's checks:
 * ES256 only (never `none`, never a shared-secret algorithm, no `jku`/`x5u`/`jwk`/`crit`), a known
 * `kid`, the signature, `exp`/`nbf`/`iat` within the skew, `iss`, `aud`, `typ: at+jwt`. It cannot
 * see revocations: a signed-out session's token verifies until it expires. Where that matters, put
 * the service behind the gate or ask the issuer (`createIntrospectionClient`).
 */
export function createTokenVerifier(options: TokenVerifierOptions) {
  const issuer = baseUrl(options.issuerUrl);
  const fetcher = options.fetch ?? defaultFetch();
  const now = options.now ?? (() => Date.now());
  const skew = options.clockSkewSeconds ?? 60;
  const minRefetchMs = (options.minRefetchSeconds ?? 30) * 1000;
  let keys = new Map<string, Promise<CryptoKey>>();
  let fetchedAt = -Infinity;
  let loading: Promise<void> | null = null;

  async function loadKeys(): Promise<void> {
    loading ??= (async () => {
      try {
        const response = await fetcher(`${issuer}/.well-known/jwks.json`, { headers: { Accept: "application/json" } });
        if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
        const body = (await response.json()) as { keys?: PublishedKey[] };
        const next = new Map<string, Promise<CryptoKey>>();
        for (const key of body.keys ?? []) {
          if (key.alg !== "ES256" || key.kty !== "EC" || key.crv !== "P-256" || !key.x || !key.y) continue;
          next.set(key.kid, crypto.subtle.importKey("jwk", { kty: "EC", crv: "P-256", x: key.x, y: key.y }, { name: "ECDSA", namedCurve: "P-256" }, false, ["verify"]));
        }
        keys = next;
        fetchedAt = now();
      } finally {
        loading = null;
      }
    })();
    return loading;
  }

  async function keyFor(kid: string): Promise<CryptoKey | "unknown" | "unavailable"> {
    if (!keys.has(kid) && now() - fetchedAt >= minRefetchMs) {
      try {
        await loadKeys();
      } catch {
        if (keys.size === 0) return "unavailable";
      }
    }
    const key = keys.get(kid);
    return key === undefined ? "unknown" : key;
  }

  return {
    async verify(token: string): Promise<VerificationResult> {
      const parts = token.split(".");
      if (parts.length !== 3 || parts.some((part) => !/^[A-Za-z0-9_-]+$/.test(part))) return fail("malformed");
      const [headerPart = "", payloadPart = "", signaturePart = ""] = parts;
      const header = parseJson(headerPart);
      if (header === null) return fail("malformed");
      if (header.alg !== "ES256" || "jku" in header || "x5u" in header || "jwk" in header || "crit" in header) return fail("algorithm_not_allowed");
      if (header.typ !== "at+jwt") return fail("wrong_type");
      if (typeof header.kid !== "string") return fail("unknown_key");
      const key = await keyFor(header.kid);
      if (key === "unavailable") return fail("jwks_unavailable");
      if (key === "unknown") return fail("unknown_key");
      const signature = base64UrlToBytes(signaturePart);
      const signed = new TextEncoder().encode(`${headerPart}.${payloadPart}`);
      const valid = signature.length === 64 && (await crypto.subtle.verify({ name: "ECDSA", hash: "SHA-256" }, key, signature, signed));
      if (!valid) return fail("bad_signature");
      const claims = parseJson(payloadPart) as Partial<AccessTokenClaims> | null;
      if (claims === null || typeof claims.sub !== "string" || typeof claims.tid !== "string" || typeof claims.exp !== "number" || typeof claims.iat !== "number") return fail("malformed");
      const seconds = now() / 1000;
      if (claims.exp <= seconds - skew) return fail("expired");
      if ((claims.nbf !== undefined && claims.nbf > seconds + skew) || claims.iat > seconds + skew) return fail("not_yet_valid");
      if (claims.iss !== issuer) return fail("wrong_issuer");
      const audiences = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
      if (!audiences.includes(options.audience)) return fail("wrong_audience");
      if (options.tenants !== undefined && !options.tenants.includes(claims.tid)) return fail("wrong_tenant");
      return { ok: true, claims: { ...claims, roles: Array.isArray(claims.roles) ? claims.roles : [] } as AccessTokenClaims };
    },
  };
}

export type TokenVerifier = ReturnType<typeof createTokenVerifier>;

function fail(reason: VerificationFailure): VerificationResult {
  return { ok: false, reason };
}

function parseJson(part: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(decoder.decode(base64UrlToBytes(part)));
    return typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}
