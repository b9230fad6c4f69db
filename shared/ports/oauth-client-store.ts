import type { OAuthClientType, SigningAlgorithm } from "../../drizzle/schema";

export interface OAuthClientRecord {
  readonly id: string;
  readonly tenantId: string;
  readonly name: string;
  readonly type: OAuthClientType;
  readonly firstParty: boolean;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly idTokenAlg: SigningAlgorithm;
  readonly roles: readonly string[];
  /** SHA-256 hex of the secret; null for public clients. */
  readonly secretHash: string | null;
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

export type NewOAuthClient = Omit<OAuthClientRecord, "createdAt" | "updatedAt">;

export type OAuthClientChanges = Partial<Pick<OAuthClientRecord, "name" | "firstParty" | "redirectUris" | "postLogoutRedirectUris" | "idTokenAlg" | "roles">>;

/** A tenant's OAuth clients. Deleted clients are kept (soft delete) but no method returns them. */
export interface OAuthClientStore {
  /** `no_tenant` when the tenant does not exist. */
  create(client: NewOAuthClient, now: Date): Promise<"created" | "no_tenant">;
  /** A live client by id, whatever its tenant; callers check the tenant. */
  find(id: string): Promise<OAuthClientRecord | null>;
  /** The tenant's live clients, oldest first. */
  list(tenantId: string): Promise<OAuthClientRecord[]>;
  update(tenantId: string, id: string, changes: OAuthClientChanges, now: Date): Promise<OAuthClientRecord | null>;
  /** Marks the client deleted; false when no live client of that tenant has that id. */
  remove(tenantId: string, id: string, now: Date): Promise<boolean>;
}
