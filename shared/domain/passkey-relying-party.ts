import type { TenantSettings } from "./tenant-settings";

/** Where a tenant's passkeys belong (the RP id) and which web origins may run its ceremonies. */
export interface PasskeyRelyingParty {
  readonly rpId: string;
  readonly origins: readonly string[];
}

/**
 * `passkey_rp_id` defaults to the issuer URL's host; `passkey_origins` to the issuer's own
 * origin plus the tenant's `cors_origins` (the browser apps it already trusts). An origin
 * that does not fit the RP id is dropped: a browser would refuse the ceremony there anyway.
 */
export function passkeyRelyingParty(settings: Pick<TenantSettings, "passkey_rp_id" | "passkey_origins" | "cors_origins">, issuerUrl: string): PasskeyRelyingParty {
  const issuer = new URL(issuerUrl);
  const rpId = settings.passkey_rp_id ?? issuer.hostname;
  const origins = settings.passkey_origins ?? [issuer.origin, ...settings.cors_origins];
  return { rpId, origins: [...new Set(origins)].filter((origin) => originFitsRpId(origin, rpId)) };
}

/** WebAuthn §5.1.3/§13.4.9: the RP id must be the origin's host or a registrable suffix of it. */
export function originFitsRpId(origin: string, rpId: string): boolean {
  let host: string;
  try {
    host = new URL(origin).hostname;
  } catch {
    return false;
  }
  return host === rpId || host.endsWith(`.${rpId}`);
}

/**
 * When a tenant sets both `passkey_rp_id` and `passkey_origins`, the index of the first
 * origin that does not fit the RP id (a browser would refuse every ceremony there), else null.
 */
export function misfitPasskeyOrigin(settings: { readonly passkey_rp_id?: string | null; readonly passkey_origins?: readonly string[] | null }): number | null {
  const { passkey_rp_id: rpId, passkey_origins: origins } = settings;
  if (!rpId || !origins) return null;
  const index = origins.findIndex((origin) => !originFitsRpId(origin, rpId));
  return index < 0 ? null : index;
}

/** How tenant admin words a misfit origin, after the field's name. */
export const PASSKEY_ORIGIN_RULE = "must be on the passkey_rp_id domain or one of its subdomains: WebAuthn refuses a ceremony from any other origin.";
