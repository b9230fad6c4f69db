import { newId } from "../../../../shared/crypto/ids";
import { sealSecret } from "../../../../shared/crypto/key-encryption";
import { withOpenId, type ProviderKind } from "../../../../shared/domain/connections";
import { SIGN_IN_METHODS } from "../../../../shared/domain/tenant-settings";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { ConnectionRecord, ConnectionStore } from "../../../../shared/ports/connection-store";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { AuditRecorder } from "../audit-recorder";
import { callbackUrl } from "./upstream-start";

/** One button per connection on the login page; with the four built-in methods this keeps `sign_in_methods` within its 20 entries. */
export const MAX_CONNECTIONS_PER_TENANT = 16;

export interface ConnectionAdminDeps {
  readonly tenants: TenantRepository;
  readonly connections: ConnectionStore;
  readonly keyEncryptionSecret: string;
  readonly issuerUrl: string;
}

/** What the admin API shows of a connection: never a secret or a key, only whether one is set. */
export interface ConnectionView {
  readonly connection_id: string;
  readonly tenant_id: string;
  readonly provider: ProviderKind;
  readonly client_id: string;
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly display_name: string | null;
  readonly enabled: boolean;
  readonly keep_provider_tokens: boolean;
  readonly has_client_secret: boolean;
  readonly apple: { readonly team_id: string; readonly key_id: string; readonly has_private_key: true } | null;
  /** The exact redirect URI to register with the provider. */
  readonly callback_url: string;
  readonly created_at: string;
  readonly updated_at: string;
}

/** Plain values as the route validated them; this service seals what is secret. */
export interface ConnectionInput {
  readonly clientId: string;
  readonly clientSecret: string | null;
  readonly issuer: string | null;
  readonly scopes: readonly string[];
  readonly displayName: string | null;
  readonly enabled: boolean;
  readonly keepProviderTokens: boolean;
  readonly apple: { readonly teamId: string; readonly keyId: string; readonly privateKey: string } | null;
}

export type ConnectionInputChanges = Partial<ConnectionInput>;

export async function createConnection(
  deps: ConnectionAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  provider: ProviderKind,
  input: ConnectionInput,
  now: Date,
): Promise<Result<ConnectionView, Failure>> {
  if (!(await deps.tenants.find(tenantId))) return err(noSuchTenant);
  const id = newId("con");
  const record = {
    id,
    tenantId,
    provider,
    clientId: input.clientId,
    sealedClientSecret: input.clientSecret === null ? null : await sealClientSecret(deps, id, input.clientSecret),
    issuer: input.issuer,
    scopes: input.scopes,
    displayName: input.displayName,
    enabled: input.enabled,
    keepProviderTokens: input.keepProviderTokens,
    apple: input.apple === null ? null : await sealAppleKey(deps, id, input.apple),
  };
  // A soft cap: two creates racing at the limit may both land, which is harmless.
  if ((await deps.connections.list(tenantId)).length >= MAX_CONNECTIONS_PER_TENANT) {
    return err({ reason: "invalid_request", field: "provider", message: `a tenant can have at most ${MAX_CONNECTIONS_PER_TENANT} connections; delete one first.` });
  }
  if ((await deps.connections.create(record, now)) === "no_tenant") return err(noSuchTenant);
  if (input.enabled) await listInSignInMethods(deps, tenantId, id, true);
  audit.record("connection.created", "success", { tenantId, details: { connection_id: id, provider, enabled: input.enabled } });
  return ok(view(deps, { ...record, createdAt: now, updatedAt: now }));
}

export async function listConnections(deps: ConnectionAdminDeps, tenantId: string): Promise<Result<{ connections: ConnectionView[] }, Failure>> {
  if (!(await deps.tenants.find(tenantId))) return err(noSuchTenant);
  return ok({ connections: (await deps.connections.list(tenantId)).map((connection) => view(deps, connection)) });
}

export async function getConnection(deps: ConnectionAdminDeps, tenantId: string, connectionId: string): Promise<Result<ConnectionView, Failure>> {
  const connection = await deps.connections.find(connectionId);
  return connection && connection.tenantId === tenantId ? ok(view(deps, connection)) : err(noSuchConnection);
}

/** `check` sees the connection as it would be after the change, so rules that join fields (Apple needs its key) hold. */
export async function updateConnection(
  deps: ConnectionAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  connectionId: string,
  changes: ConnectionInputChanges,
  check: (provider: ProviderKind, after: { readonly issuer: string | null; readonly scopes: readonly string[]; readonly hasSecret: boolean }) => Failure | null,
  now: Date,
): Promise<Result<ConnectionView, Failure>> {
  const current = await deps.connections.find(connectionId);
  if (!current || current.tenantId !== tenantId) return err(noSuchConnection);
  const refusal = check(current.provider, {
    issuer: changes.issuer === undefined ? current.issuer : changes.issuer,
    scopes: changes.scopes ?? current.scopes,
    hasSecret: changes.clientSecret !== undefined ? changes.clientSecret !== null : current.sealedClientSecret !== null,
  });
  if (refusal) return err(refusal);
  const updated = await deps.connections.update(
    tenantId,
    connectionId,
    {
      ...(changes.clientId === undefined ? {} : { clientId: changes.clientId }),
      ...(changes.clientSecret === undefined ? {} : { sealedClientSecret: changes.clientSecret === null ? null : await sealClientSecret(deps, connectionId, changes.clientSecret) }),
      ...(changes.issuer === undefined ? {} : { issuer: changes.issuer }),
      ...(changes.scopes === undefined ? {} : { scopes: withOpenId(current.provider, changes.scopes) }),
      ...(changes.displayName === undefined ? {} : { displayName: changes.displayName }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
      ...(changes.keepProviderTokens === undefined ? {} : { keepProviderTokens: changes.keepProviderTokens }),
      ...(changes.apple === undefined || changes.apple === null ? {} : { apple: await sealAppleKey(deps, connectionId, changes.apple) }),
    },
    now,
  );
  if (!updated) return err(noSuchConnection);
  if (changes.enabled === true) await listInSignInMethods(deps, tenantId, connectionId, true);
  // Field names only: a rotated secret is recorded as `client_secret` changing, never its value.
  audit.record("connection.updated", "success", { tenantId, details: { connection_id: connectionId, fields: Object.keys(changes) } });
  return ok(view(deps, updated));
}

/** Deleting a connection deletes the identities linked through it and its sign-ins under way; users keep their other ways in. */
export async function deleteConnection(deps: ConnectionAdminDeps, audit: AuditRecorder, tenantId: string, connectionId: string): Promise<Result<null, Failure>> {
  if (!(await deps.connections.remove(tenantId, connectionId, new Date()))) return err(noSuchConnection);
  await listInSignInMethods(deps, tenantId, connectionId, false);
  audit.record("connection.deleted", "success", { tenantId, details: { connection_id: connectionId } });
  return ok(null);
}

/**
 * A connection signs in when it is enabled and the tenant's `sign_in_methods` lists its id, like
 * any other method. Creating or enabling one lists it; deleting one takes it out. The tenant can
 * still take an id out of `sign_in_methods` to hide a connection without changing it.
 */
async function listInSignInMethods(deps: ConnectionAdminDeps, tenantId: string, connectionId: string, listed: boolean): Promise<void> {
  const tenant = await deps.tenants.find(tenantId);
  if (!tenant) return;
  const current: readonly string[] = tenant.settings.sign_in_methods ?? SIGN_IN_METHODS;
  if (current.includes(connectionId) === listed) return;
  const next = listed ? [...current, connectionId] : current.filter((method) => method !== connectionId);
  // Taking out the last method would leave the tenant with none; an empty list is never stored.
  if (next.length === 0) return;
  await deps.tenants.update(tenantId, { settingsPatch: { sign_in_methods: next } });
}

function sealClientSecret(deps: ConnectionAdminDeps, connectionId: string, secret: string): Promise<string> {
  return sealSecret(deps.keyEncryptionSecret, "connection-secret", secret, connectionId);
}

async function sealAppleKey(deps: ConnectionAdminDeps, connectionId: string, key: { readonly teamId: string; readonly keyId: string; readonly privateKey: string }) {
  return { teamId: key.teamId, keyId: key.keyId, sealedPrivateKey: await sealSecret(deps.keyEncryptionSecret, "connection-secret", key.privateKey, connectionId) };
}

const noSuchTenant: Failure = { reason: "not_found", message: "No such tenant." };
const noSuchConnection: Failure = { reason: "not_found", message: "No such connection for this tenant." };

function view(deps: Pick<ConnectionAdminDeps, "issuerUrl">, connection: ConnectionRecord): ConnectionView {
  return {
    connection_id: connection.id,
    tenant_id: connection.tenantId,
    provider: connection.provider,
    client_id: connection.clientId,
    issuer: connection.issuer,
    scopes: connection.scopes,
    display_name: connection.displayName,
    enabled: connection.enabled,
    keep_provider_tokens: connection.keepProviderTokens,
    has_client_secret: connection.sealedClientSecret !== null,
    apple: connection.apple === null ? null : { team_id: connection.apple.teamId, key_id: connection.apple.keyId, has_private_key: true },
    callback_url: callbackUrl(deps.issuerUrl, connection.id),
    created_at: connection.createdAt.toISOString(),
    updated_at: connection.updatedAt.toISOString(),
  };
}
