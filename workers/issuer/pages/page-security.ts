import { randomBase32 } from "../../../shared/crypto/ids";

/**
 * What every hosted page sends: a fresh nonce per response for our one stylesheet and our
 * scripts, nothing else loadable but the tenant logo's https origin, forms only back to the
 * issuer (and, where a form's answer redirects to an app, that app's registered origins).
 */
export interface PagePolicy {
  readonly nonce: string;
  readonly logoOrigin: string | null;
  readonly formTargets: readonly string[];
}

/** 130 random bits, base32: unguessable per response, safe inside a header and an attribute. */
export function newNonce(): string {
  return randomBase32(26);
}

export function hostedPageCsp(policy: PagePolicy): string {
  const images = policy.logoOrigin === null ? "'self'" : `'self' ${policy.logoOrigin}`;
  const forms = ["'self'", ...policy.formTargets].join(" ");
  return [
    "default-src 'none'",
    `style-src 'nonce-${policy.nonce}'`,
    `script-src 'nonce-${policy.nonce}'`,
    `img-src ${images}`,
    "connect-src 'self'",
    `form-action ${forms}`,
    "frame-ancestors 'none'",
    "base-uri 'none'",
  ].join("; ");
}

/**
 * Hosted pages are never cached, never framed, never leak their URL (it can hold a request id) as
 * a referrer to another origin. `same-origin`, not `no-referrer`: under `no-referrer` browsers
 * send `Origin: null` with the pages' own form posts, which the CSRF check must refuse.
 */
export const HOSTED_PAGE_HEADERS: Readonly<Record<string, string>> = {
  "Cache-Control": "no-store",
  "Referrer-Policy": "same-origin",
  "X-Frame-Options": "DENY",
  "X-Content-Type-Options": "nosniff",
};

/** The origin of a validated https logo URL, or null; anything else loads nothing. */
export function logoOrigin(logoUrl: string | undefined): string | null {
  if (logoUrl === undefined) return null;
  try {
    const url = new URL(logoUrl);
    return url.protocol === "https:" ? url.origin : null;
  } catch {
    return null;
  }
}
