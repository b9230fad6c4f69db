import { CLOCK_SKEW_SECONDS, tokenTimeRejection, type AccessTokenClaims } from "../../../shared/domain/access-token-claims";
import { err, ok, type Result } from "../../../shared/errors/result";
import { parseCompactJws } from "../../../shared/crypto/compact-jws";
import { verifySignature } from "../../../shared/crypto/ecdsa-verification";
import { bearerFromHeader } from "./bearer-header";
import type { JwksCache } from "./jwks-cache";
import { identityHeaderValues, type IdentityHeaderValues } from "./identity-header-values";
import type { TokenRejection } from "./token-rejection";
import type { VerifiedToken, VerifiedTokenCache } from "./verified-token-cache";

/**
 * Tolerated clock difference for `exp` and `iat`, in seconds: the issuer's, so a
 * revocation (kept REVOCATION_LIFETIME_MS) outlives every token the gate accepts.
 * The contract caps it at 60.
 */
export const GATE_CLOCK_SKEW_SECONDS = CLOCK_SKEW_SECONDS;

export interface TokenValidatorConfig {
  readonly issuer: string;
  readonly audiences: ReadonlySet<string>;
  /** `any`: every tenant of the issuer. An empty set accepts no tenant. */
  readonly tenants: ReadonlySet<string> | "any";
  readonly algorithms: ReadonlySet<string>;
}

export type Authentication =
  | { readonly kind: "anonymous" }
  | { readonly kind: "token"; readonly claims: AccessTokenClaims; readonly identity: IdentityHeaderValues }
  | { readonly kind: "rejected"; readonly rejection: TokenRejection };

/**
 * The contract's validation order, cheapest first: header shape and `alg`, the
 * key by `kid`, the signature, then time, issuer, audience and tenant.
 * Revocation is the caller's last step.
 */
export class TokenValidator {
  readonly #config: TokenValidatorConfig;
  readonly #jwks: JwksCache;
  readonly #verified: VerifiedTokenCache;

  constructor(config: TokenValidatorConfig, jwks: JwksCache, verified: VerifiedTokenCache) {
    this.#config = config;
    this.#jwks = jwks;
    this.#verified = verified;
  }

  async authenticate(authorization: string | null, now: number, background: (work: Promise<unknown>) => void): Promise<Authentication> {
    const bearer = bearerFromHeader(authorization);
    if (bearer === null) return { kind: "anonymous" };
    if (!bearer.ok) return { kind: "rejected", rejection: bearer.error };
    const verified = await this.#verifiedToken(bearer.value, now, background);
    if (!verified.ok) return { kind: "rejected", rejection: verified.error };
    const { claims, identity } = verified.value;
    const timely = tokenTimeRejection(claims, Math.floor(now / 1000));
    return timely === null ? { kind: "token", claims, identity } : { kind: "rejected", rejection: timely };
  }

  async #verifiedToken(token: string, now: number, background: (work: Promise<unknown>) => void): Promise<Result<VerifiedToken, TokenRejection>> {
    const nowSeconds = Math.floor(now / 1000);
    const cached = this.#verified.get(token, nowSeconds - GATE_CLOCK_SKEW_SECONDS);
    if (cached) {
      // A cached token is only as good as its key: a withdrawn or dropped key ends it here.
      await this.#jwks.refresh(now, background);
      if (this.#jwks.isLive(cached.kid)) return ok(cached);
      this.#verified.delete(token);
    }

    const parsed = parseCompactJws(token, this.#config.algorithms);
    if (!parsed.ok) return parsed;
    const { alg, kid, claims, signature, signingInput } = parsed.value;
    // Claims that cannot change are checked before any key lookup, so a forged
    // token for another issuer or audience costs no subrequest.
    const foreign = this.#checkIssuerAndAudience(claims);
    if (foreign !== null) return err(foreign);

    const key = await this.#jwks.keyFor(kid, alg, now, background);
    if (key === null) return err("unknown_kid");
    if (!(await verifySignature(key, alg, signature, signingInput))) return err("bad_signature");
    const verified: VerifiedToken = { claims, kid, identity: identityHeaderValues(claims) };
    this.#verified.set(token, verified);
    return ok(verified);
  }

  #checkIssuerAndAudience(claims: AccessTokenClaims): TokenRejection | null {
    if (claims.iss !== this.#config.issuer) return "wrong_issuer";
    if (!this.#config.audiences.has(claims.aud)) return "wrong_audience";
    if (this.#config.tenants !== "any" && !this.#config.tenants.has(claims.tid)) return "wrong_tenant";
    return null;
  }
}
