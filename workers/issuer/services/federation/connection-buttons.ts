import type { ProviderKind } from "../../../../shared/domain/connections";
import type { TenantSettings } from "../../../../shared/domain/tenant-settings";
import type { ConnectionRecord, ConnectionStore } from "../../../../shared/ports/connection-store";

/** A connection signs users in only while it is enabled and its tenant lists it among its sign-in methods. */
export function connectionServes(settings: TenantSettings, connection: ConnectionRecord): boolean {
  return connection.enabled && (settings.sign_in_methods as readonly string[]).includes(connection.id);
}

/** What a hosted page needs to draw one connection's button. */
export interface ConnectionButton {
  readonly id: string;
  readonly provider: ProviderKind;
  /** oidc: the display name, else the issuer's host; the named providers use their own names. */
  readonly label: string;
}

export function buttonOf(connection: ConnectionRecord): ConnectionButton {
  return { id: connection.id, provider: connection.provider, label: providerLabel(connection) };
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
export async function connectionButtons(connections: Pick<ConnectionStore, "listEnabled">, tenantId: string, settings: TenantSettings): Promise<ConnectionButton[]> {
  const enabled = await connections.listEnabled(tenantId);
  return enabled.filter((connection) => connectionServes(settings, connection)).map(buttonOf);
}
