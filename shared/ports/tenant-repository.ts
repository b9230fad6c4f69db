import type { TenantSettingsPatch } from "../domain/tenant-settings";

export interface TenantRecord {
  readonly id: string;
  readonly name: string;
  readonly slug: string;
  /** Only the settings the tenant set explicitly; defaults are applied on read. */
  readonly settings: TenantSettingsPatch;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export interface NewKeyPair {
  readonly id: string;
  readonly apiKeyHash: string;
  readonly secretKeyHash: string;
}

export type KeyKind = "api" | "secret";

export interface TenantRepository {
  /** Inserts the tenant and its first key pair together; `slug_taken` when the slug exists. */
  create(tenant: Omit<TenantRecord, "createdAt" | "updatedAt">, keyPair: NewKeyPair): Promise<"created" | "slug_taken">;
  find(id: string): Promise<TenantRecord | null>;
  /** `settingsPatch` is merged into the stored settings in one statement, so concurrent patches of different keys all land. */
  update(id: string, changes: { name?: string; settingsPatch?: TenantSettingsPatch }): Promise<TenantRecord | null>;
  addKeyPair(tenantId: string, keyPair: NewKeyPair): Promise<boolean>;
  deleteKeyPair(tenantId: string, keyId: string): Promise<boolean>;
  /** The tenant a key belongs to, by the key's hash; null when no live key has that hash. */
  findByKeyHash(kind: KeyKind, hash: string): Promise<TenantRecord | null>;
  /** Whether any tenant lists this browser origin in `cors_origins`. */
  anyAllowsOrigin(origin: string): Promise<boolean>;
}
