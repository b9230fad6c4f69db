import { secretsEqual } from "../../../../shared/crypto/constant-time";
import { sha256Hex } from "../../../../shared/crypto/hashing";
import { newId, randomBase32 } from "../../../../shared/crypto/ids";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { OAuthClientChanges, OAuthClientRecord, OAuthClientStore } from "../../../../shared/ports/oauth-client-store";
import type { TenantRepository } from "../../../../shared/ports/tenant-repository";
import type { OAuthClientType, SigningAlgorithm } from "../../../../drizzle/schema";
import type { AuditRecorder } from "../audit-recorder";
import { revokeClient, type RevokeDeps } from "../revoke";

export type { OAuthClientRecord } from "../../../../shared/ports/oauth-client-store";

const CLIENT_SECRET_PREFIX = "cs_";

export interface OAuthClientLookupDeps {
  readonly oauthClients: OAuthClientStore;
}

export interface OAuthClientAdminDeps extends OAuthClientLookupDeps, RevokeDeps {
  readonly tenants: TenantRepository;
}

/** A client as the admin API shows it; the secret is never shown again after creation. */
export interface OAuthClientView {
  readonly client_id: string;
  readonly tenant_id: string;
  readonly name: string;
  readonly type: OAuthClientType;
  readonly first_party: boolean;
  readonly redirect_uris: readonly string[];
  readonly post_logout_redirect_uris: readonly string[];
  readonly id_token_signed_response_alg: SigningAlgorithm;
  readonly roles: readonly string[];
  readonly created_at: string;
  readonly updated_at: string;
}

/** A client as the admin asks for it: everything but what the service assigns (ids, secret, times). */
export type NewClientInput = Pick<OAuthClientRecord, "name" | "type" | "firstParty" | "redirectUris" | "postLogoutRedirectUris" | "idTokenAlg" | "roles">;

/** A live (not deleted) client by id, of any tenant: the caller checks the tenant it expects. */
export function findClient(deps: OAuthClientLookupDeps, clientId: string): Promise<OAuthClientRecord | null> {
  return deps.oauthClients.find(clientId);
}

/**
 * Client authentication by secret (RFC 6749 §2.3.1). The presented secret is hashed and the
 * hashes compared in constant time; a public client has no secret and never passes.
 */
export async function clientSecretMatches(client: OAuthClientRecord, presented: string): Promise<boolean> {
  if (client.secretHash === null) return false;
  return secretsEqual(await sha256Hex(presented), client.secretHash);
}

export async function createClient(
  deps: OAuthClientAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  input: NewClientInput,
  now: Date,
): Promise<Result<OAuthClientView & { client_secret?: string }, Failure>> {
  if (!(await deps.tenants.find(tenantId))) return err({ reason: "not_found", message: "No such tenant." });
  const id = newId("cli");
  // 256 bits (52 base32 characters); shown once, stored only as its SHA-256.
  const secret = input.type === "confidential" ? `${CLIENT_SECRET_PREFIX}${randomBase32(52)}` : null;
  const record = { id, tenantId, ...input, secretHash: secret === null ? null : await sha256Hex(secret) };
  await deps.oauthClients.create(record, now);
  audit.record("oauth.client_created", "success", { tenantId, details: { client_id: id, type: input.type, first_party: input.firstParty } });
  const shown = view({ ...record, createdAt: now, updatedAt: now });
  return ok(secret === null ? shown : { ...shown, client_secret: secret });
}

export async function listClients(deps: OAuthClientAdminDeps, tenantId: string): Promise<Result<{ clients: OAuthClientView[] }, Failure>> {
  if (!(await deps.tenants.find(tenantId))) return err({ reason: "not_found", message: "No such tenant." });
  return ok({ clients: (await deps.oauthClients.list(tenantId)).map(view) });
}

export async function getClient(deps: OAuthClientAdminDeps, tenantId: string, clientId: string): Promise<Result<OAuthClientView, Failure>> {
  const client = await deps.oauthClients.find(clientId);
  return client && client.tenantId === tenantId ? ok(view(client)) : err(noSuchClient);
}

export async function updateClient(
  deps: OAuthClientAdminDeps,
  audit: AuditRecorder,
  tenantId: string,
  clientId: string,
  changes: OAuthClientChanges,
  now: Date,
): Promise<Result<OAuthClientView, Failure>> {
  const updated = await deps.oauthClients.update(tenantId, clientId, changes, now);
  if (!updated) return err(noSuchClient);
  audit.record("oauth.client_updated", "success", { tenantId, details: { client_id: clientId, fields: Object.keys(changes) } });
  return ok(view(updated));
}

/** Deleting a client ends every session issued to it and every `client_credentials` token it holds, at the gate too. */
export async function deleteClient(deps: OAuthClientAdminDeps, audit: AuditRecorder, tenantId: string, clientId: string, now: Date): Promise<Result<null, Failure>> {
  const revoked = await revokeClient(deps, tenantId, clientId, now);
  if (!revoked) return err(noSuchClient);
  audit.record("oauth.client_deleted", "success", { tenantId, details: { client_id: clientId, sessions_revoked: revoked.sessionsRevoked } });
  return ok(null);
}

const noSuchClient: Failure = { reason: "not_found", message: "No such client for this tenant." };

function view(client: OAuthClientRecord): OAuthClientView {
  return {
    client_id: client.id,
    tenant_id: client.tenantId,
    name: client.name,
    type: client.type,
    first_party: client.firstParty,
    redirect_uris: client.redirectUris,
    post_logout_redirect_uris: client.postLogoutRedirectUris,
    id_token_signed_response_alg: client.idTokenAlg,
    roles: client.roles,
    created_at: client.createdAt.toISOString(),
    updated_at: client.updatedAt.toISOString(),
  };
}
