import type {
  AdminUser,
  AuditPage,
  Connection,
  ConnectionUpdate,
  CreatedOAuthClient,
  CreatedTenant,
  CreatedWebhook,
  DeliveryPage,
  IssuedKeys,
  KeyRotation,
  NewConnection,
  NewOAuthClient,
  NewTenant,
  OAuthClient,
  OAuthClientUpdate,
  Tenant,
  TenantUpdate,
  UserPage,
  UserUpdate,
  NewWebhook,
  WebhookDelivery,
  WebhookEndpoint,
  WebhookUpdate,
} from "../api-types";
import { baseUrl, callIssuer, defaultFetch, type Fetch } from "../http";

export interface AdminClientOptions {
  readonly issuerUrl: string;
  /** The operator's `ADMIN_TOKEN`: for servers and scripts only. */
  readonly adminToken: string;
  readonly fetch?: Fetch;
}

export interface PageQuery {
  readonly limit?: number;
  readonly cursor?: string;
}

/** The issuer's operator API, typed from its OpenAPI document; every error is a PortcullisError. */
export function createAdminClient(options: AdminClientOptions) {
  const fetcher = options.fetch ?? defaultFetch();
  const issuer = baseUrl(options.issuerUrl);
  const send = <T>(method: string, path: string, body?: unknown, idempotencyKey?: string) =>
    callIssuer<T>(fetcher, `${issuer}${path}`, {
      method,
      headers: { Authorization: `Bearer ${options.adminToken}`, ...(idempotencyKey === undefined ? {} : { "Idempotency-Key": idempotencyKey }) },
      ...(body === undefined ? {} : { body }),
    });
  const id = encodeURIComponent;

  return {
    tenants: {
      /** Pass an Idempotency-Key to make a retry safe. */
      create: (tenant: NewTenant, idempotencyKey?: string) => send<CreatedTenant>("POST", "/api/admin/tenants", tenant, idempotencyKey),
      get: (tenantId: string) => send<Tenant>("GET", `/api/admin/tenants/${id(tenantId)}`),
      update: (tenantId: string, changes: TenantUpdate) => send<Tenant>("PATCH", `/api/admin/tenants/${id(tenantId)}`, changes),
      createKeys: (tenantId: string) => send<IssuedKeys>("POST", `/api/admin/tenants/${id(tenantId)}/keys`),
      deleteKeys: (tenantId: string, keyId: string) => send<undefined>("DELETE", `/api/admin/tenants/${id(tenantId)}/keys/${id(keyId)}`),
    },
    users: {
      list: (filter: PageQuery & { readonly tenantId?: string; readonly phone?: string } = {}) =>
        send<UserPage>("GET", `/api/admin/users${query({ tenant_id: filter.tenantId, phone: filter.phone, limit: filter.limit, cursor: filter.cursor })}`),
      get: (userId: string) => send<AdminUser>("GET", `/api/admin/users/${id(userId)}`),
      update: (userId: string, changes: UserUpdate) => send<AdminUser>("PATCH", `/api/admin/users/${id(userId)}`, changes),
      delete: (userId: string) => send<undefined>("DELETE", `/api/admin/users/${id(userId)}`),
      revokeSessions: (userId: string) => send<{ revoked: number }>("POST", `/api/admin/users/${id(userId)}/revoke-sessions`),
    },
    audit: {
      list: (filter: PageQuery & { readonly tenantId?: string; readonly userId?: string; readonly type?: string } = {}) =>
        send<AuditPage>("GET", `/api/admin/audit${query({ tenant_id: filter.tenantId, user_id: filter.userId, type: filter.type, limit: filter.limit, cursor: filter.cursor })}`),
    },
    signingKeys: {
      rotate: () => send<KeyRotation>("POST", "/api/admin/keys/rotate"),
    },
    clients: {
      create: (tenantId: string, client: NewOAuthClient) => send<CreatedOAuthClient>("POST", `/api/admin/tenants/${id(tenantId)}/clients`, client),
      list: (tenantId: string) => send<{ clients: OAuthClient[] }>("GET", `/api/admin/tenants/${id(tenantId)}/clients`),
      get: (tenantId: string, clientId: string) => send<OAuthClient>("GET", `/api/admin/tenants/${id(tenantId)}/clients/${id(clientId)}`),
      update: (tenantId: string, clientId: string, changes: OAuthClientUpdate) => send<OAuthClient>("PATCH", `/api/admin/tenants/${id(tenantId)}/clients/${id(clientId)}`, changes),
      delete: (tenantId: string, clientId: string) => send<undefined>("DELETE", `/api/admin/tenants/${id(tenantId)}/clients/${id(clientId)}`),
    },
    connections: {
      create: (tenantId: string, connection: NewConnection) => send<Connection>("POST", `/api/admin/tenants/${id(tenantId)}/connections`, connection),
      list: (tenantId: string) => send<{ connections: Connection[] }>("GET", `/api/admin/tenants/${id(tenantId)}/connections`),
      get: (tenantId: string, connectionId: string) => send<Connection>("GET", `/api/admin/tenants/${id(tenantId)}/connections/${id(connectionId)}`),
      update: (tenantId: string, connectionId: string, changes: ConnectionUpdate) => send<Connection>("PATCH", `/api/admin/tenants/${id(tenantId)}/connections/${id(connectionId)}`, changes),
      delete: (tenantId: string, connectionId: string) => send<undefined>("DELETE", `/api/admin/tenants/${id(tenantId)}/connections/${id(connectionId)}`),
    },
    webhooks: {
      /** The answer's `secret` is shown only here: store it where your receiver reads it. */
      create: (tenantId: string, webhook: NewWebhook, idempotencyKey?: string) => send<CreatedWebhook>("POST", `/api/admin/tenants/${id(tenantId)}/webhooks`, webhook, idempotencyKey),
      list: (tenantId: string) => send<{ webhooks: WebhookEndpoint[] }>("GET", `/api/admin/tenants/${id(tenantId)}/webhooks`),
      get: (tenantId: string, webhookId: string) => send<WebhookEndpoint>("GET", `/api/admin/tenants/${id(tenantId)}/webhooks/${id(webhookId)}`),
      update: (tenantId: string, webhookId: string, changes: WebhookUpdate) => send<WebhookEndpoint>("PATCH", `/api/admin/tenants/${id(tenantId)}/webhooks/${id(webhookId)}`, changes),
      delete: (tenantId: string, webhookId: string) => send<undefined>("DELETE", `/api/admin/tenants/${id(tenantId)}/webhooks/${id(webhookId)}`),
      deliveries: (tenantId: string, webhookId: string, page: PageQuery = {}) =>
        send<DeliveryPage>("GET", `/api/admin/tenants/${id(tenantId)}/webhooks/${id(webhookId)}/deliveries${query({ limit: page.limit, cursor: page.cursor })}`),
      retry: (tenantId: string, webhookId: string, deliveryId: string) =>
        send<WebhookDelivery>("POST", `/api/admin/tenants/${id(tenantId)}/webhooks/${id(webhookId)}/deliveries/${id(deliveryId)}/retry`),
    },
  };
}

export type AdminClient = ReturnType<typeof createAdminClient>;

function query(parameters: Record<string, string | number | undefined>): string {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(parameters)) if (value !== undefined) search.set(name, String(value));
  const text = search.toString();
  return text === "" ? "" : `?${text}`;
}
