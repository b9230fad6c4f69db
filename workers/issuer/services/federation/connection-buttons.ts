import type { FederationEndpoints } from "../../../../shared/config/federation-endpoints";
import type { ProviderKind } from "../../../../shared/domain/connections";
import type { TenantSettings } from "../../../../shared/domain/tenant-settings";
import type { ConnectionRecord, ConnectionStore } from "../../../../shared/ports/connection-store";

/** A connection signs users in only while it is enabled and its tenant lists it among its sign-in methods. */
export function connectionServes(settings: TenantSettings, connection: ConnectionRecord): boolean {
  return connection.enabled && settings.sign_in_methods.includes(connection.id);
}

/** What a hosted page needs to draw one connection's button. */
export interface ConnectionButton {
  readonly id: string;
  readonly provider: ProviderKind;
  /** oidc: the display name, else the issuer's host; the named providers use their own names. */
  readonly label: string;
  /**
   * Where the button's form ends up after our redirect: CSP `form-action` is enforced on the
   * redirects a form submission follows, so the page must allow the provider's origin.
   */
  readonly providerOrigin: string | null;
}

export function buttonOf(connection: ConnectionRecord, endpoints: FederationEndpoints): ConnectionButton {
  return { id: connection.id, provider: connection.provider, label: providerLabel(connection), providerOrigin: providerOrigin(connection, endpoints) };
}

/** The provider's authorization origin as far as it is known without asking it (an OpenID Provider's issuer). */
function providerOrigin(connection: ConnectionRecord, endpoints: FederationEndpoints): string | null {
  const base = { google: endpoints.googleIssuer, github: endpoints.githubBase, apple: endpoints.appleIssuer, microsoft: connection.issuer ?? endpoints.microsoftBase, oidc: connection.issuer }[connection.provider];
  if (base === null) return null;
  try {
    return new URL(base).origin;
  } catch {
    return null;
  }
}

/** A provider kind's own name; an OpenID Provider without its connection at hand is "OpenID". */
export function providerName(provider: string): string {
  return providerLabel({ provider: (PROVIDER_KIND_NAMES.has(provider) ? provider : "oidc") as ProviderKind, displayName: null, issuer: null });
}

const PROVIDER_KIND_NAMES: ReadonlySet<string> = new Set(["google", "github", "apple", "microsoft", "oidc"]);

export function providerLabel(connection: Pick<ConnectionRecord, "provider" | "displayName" | "issuer">): string {
  switch (connection.provider) {
    case "google":
      return "Google";
    case "github":
      return "GitHub";
    case "apple":
      return "Apple";
    case "microsoft":
      return "Microsoft";
    case "oidc":
      return connection.displayName ?? (connection.issuer === null ? "OpenID" : hostOf(connection.issuer));
  }
}

function hostOf(issuer: string): string {
  try {
    return new URL(issuer).host;
  } catch {
    return issuer;
  }
}

/** The buttons a login or sign-up page of this tenant shows, oldest connection first. */
export async function connectionButtons(deps: { readonly connections: Pick<ConnectionStore, "listEnabled">; readonly endpoints: FederationEndpoints }, tenantId: string, settings: TenantSettings): Promise<ConnectionButton[]> {
  const enabled = await deps.connections.listEnabled(tenantId);
  return enabled.filter((connection) => connectionServes(settings, connection)).map((connection) => buttonOf(connection, deps.endpoints));
}

/** A page's `form-action` sources for its buttons. */
export function buttonOrigins(buttons: readonly ConnectionButton[]): string[] {
  return [...new Set(buttons.flatMap((button) => (button.providerOrigin === null ? [] : [button.providerOrigin])))];
}
