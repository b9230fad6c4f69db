import { decodeCursor, encodeCursor } from "../../../../shared/domain/page-cursor";
import type { Failure } from "../../../../shared/errors/failure";
import { err, ok, type Result } from "../../../../shared/errors/result";
import type { TenantDirectory } from "../../../../shared/ports/tenant-directory";
import { listConnections, type ConnectionAdminDeps, type ConnectionView } from "../federation/connection-admin";
import { listClients, type OAuthClientAdminDeps, type OAuthClientView } from "../oauth/clients";
import { getTenant, type TenantAdminDeps, type TenantView } from "../tenant-admin";
import { getWebhook, listDeliveries, listWebhooks, type DeliveryView, type WebhookAdminDeps, type WebhookView } from "../webhooks/webhook-endpoints";

/** Tenants per page of the list. */
export const TENANTS_PER_PAGE = 50;
/** Deliveries shown per page of a webhook's history. */
export const DELIVERIES_PER_PAGE = 25;

export interface TenantSummaryView {
  readonly tenant_id: string;
  readonly name: string;
  readonly slug: string;
  readonly created_at: string;
}

/** Everything the tenant page shows, each part read by the service the admin API uses for it. */
export interface TenantOverview {
  readonly tenant: TenantView;
  readonly keys: readonly { readonly key_id: string; readonly created_at: string }[];
  readonly clients: readonly OAuthClientView[];
  readonly connections: readonly ConnectionView[];
  readonly webhooks: readonly WebhookView[];
}

export interface ConsoleTenantDeps {
  readonly directory: TenantDirectory;
  readonly tenantAdmin: TenantAdminDeps;
  readonly clients: OAuthClientAdminDeps;
  readonly connections: ConnectionAdminDeps;
  readonly webhooks: WebhookAdminDeps;
}

const BAD_CURSOR: Failure = { reason: "invalid_request", field: "query.cursor", message: "Not a cursor from a previous page." };

export async function listTenants(deps: Pick<ConsoleTenantDeps, "directory">, cursor: string | null): Promise<Result<{ tenants: TenantSummaryView[]; next_cursor: string | null }, Failure>> {
  const after = cursor === null ? null : decodeCursor(cursor);
  if (cursor !== null && after === null) return err(BAD_CURSOR);
  const page = await deps.directory.list({ limit: TENANTS_PER_PAGE, after });
  return ok({
    tenants: page.tenants.map((tenant) => ({ tenant_id: tenant.id, name: tenant.name, slug: tenant.slug, created_at: tenant.createdAt.toISOString() })),
    next_cursor: page.next === null ? null : encodeCursor(page.next),
  });
}

export async function tenantOverview(deps: ConsoleTenantDeps, tenantId: string): Promise<Result<TenantOverview, Failure>> {
  const tenant = await getTenant(deps.tenantAdmin, tenantId);
  if (!tenant.ok) return tenant;
  const [keys, clients, connections, webhooks] = await Promise.all([
    deps.directory.keys(tenantId),
    listClients(deps.clients, tenantId),
    listConnections(deps.connections, tenantId),
    listWebhooks(deps.webhooks, tenantId),
  ]);
  // The tenant may be deleted between the reads: then it is simply not found.
  if (!clients.ok) return clients;
  if (!connections.ok) return connections;
  if (!webhooks.ok) return webhooks;
  return ok({
    tenant: tenant.value,
    keys: keys.map((key) => ({ key_id: key.id, created_at: key.createdAt.toISOString() })),
    clients: clients.value.clients,
    connections: connections.value.connections,
    webhooks: webhooks.value.webhooks,
  });
}

/** A webhook endpoint and a page of its deliveries, newest first. */
export async function webhookOverview(
  deps: Pick<ConsoleTenantDeps, "webhooks">,
  tenantId: string,
  webhookId: string,
  cursor: string | null,
): Promise<Result<{ webhook: WebhookView; deliveries: DeliveryView[]; next_cursor: string | null }, Failure>> {
  const webhook = await getWebhook(deps.webhooks, tenantId, webhookId);
  if (!webhook.ok) return webhook;
  const deliveries = await listDeliveries(deps.webhooks, tenantId, webhookId, { limit: DELIVERIES_PER_PAGE, cursor });
  if (!deliveries.ok) return deliveries;
  return ok({ webhook: webhook.value, ...deliveries.value });
}
