import type { ProviderKind } from "../domain/connections";

export interface ConnectionRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly provider: ProviderKind;
  readonly clientId: string;
  /** sealed ("connection-secret", context = id); null for apple (which signs its own) */
  readonly sealedClientSecret: string | null;
  /** oidc: the issuer URL (required). microsoft: optional issuer of one Entra tenant; null = multi-tenant ("common"). others: null */
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly displayName: string | null;
  readonly enabled: boolean;
  /** keep the provider's tokens (sealed) on the identity; default false */
  readonly keepProviderTokens: boolean;
  /** apple only */
  readonly apple: { readonly teamId: string; readonly keyId: string; readonly sealedPrivateKey: string } | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface ConnectionStore {
  create(connection: Omit<ConnectionRecord, "createdAt" | "updatedAt">, now: Date): Promise<"created" | "no_tenant">;
  /** a live connection by id, whatever its tenant; callers check the tenant */
  find(id: string): Promise<ConnectionRecord | null>;
  list(tenantId: string): Promise<ConnectionRecord[]>;
  listEnabled(tenantId: string): Promise<ConnectionRecord[]>;
  update(tenantId: string, id: string, changes: Partial<Omit<ConnectionRecord, "id" | "tenantId" | "provider" | "createdAt" | "updatedAt">>, now: Date): Promise<ConnectionRecord | null>;
  remove(tenantId: string, id: string, now: Date): Promise<boolean>;
}
