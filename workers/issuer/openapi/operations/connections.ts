import { z } from "zod";
import { PROVIDER_KINDS } from "../../../../shared/domain/connections";
import { createConnectionSchema, updateConnectionSchema } from "../../routes/connections-admin";
import type { Operation } from "../operation";
import { id, timestamp } from "../schemas";

const connection = z.object({
  connection_id: id("con"),
  tenant_id: id("tn"),
  provider: z.enum(PROVIDER_KINDS),
  client_id: z.string(),
  issuer: z.string().nullable(),
  scopes: z.array(z.string()),
  display_name: z.string().nullable(),
  enabled: z.boolean(),
  keep_provider_tokens: z.boolean(),
  has_client_secret: z.boolean().meta({ description: "Whether a client secret is stored (sealed; it is never shown)." }),
  apple: z.object({ team_id: z.string(), key_id: z.string(), has_private_key: z.literal(true) }).nullable(),
  callback_url: z.string().meta({ description: "The exact redirect URI to register with the provider." }),
  created_at: timestamp,
  updated_at: timestamp,
});

const params = { id: "The tenant's id (`tn_…`).", connectionId: "The connection's id (`con_…`)." };
const WRITE_ERRORS = ["idempotency_key_in_use", "idempotency_key_reused"] as const;

export const connectionsOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/admin/tenants/{id}/connections",
    tag: "connections",
    summary: "Connect a social or enterprise identity provider",
    description:
      "`provider` is `google`, `github`, `apple`, `microsoft` or `oidc` (any OpenID Provider by its `issuer`, found through discovery). Secrets are sealed at rest and never returned. An enabled connection joins the tenant's `sign_in_methods`.",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    body: createConnectionSchema,
    bodyExample: { provider: "google", client_id: "1234.apps.googleusercontent.com", client_secret: "GOCSPX-…" },
    answers: { 201: { description: "The connection, with the callback URL to register at the provider.", json: connection } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/connections",
    tag: "connections",
    summary: "List a tenant's connections",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    answers: { 200: { description: "Every connection, oldest first.", json: z.object({ connections: z.array(connection) }) } },
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/connections/{connectionId}",
    tag: "connections",
    summary: "A connection",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 200: { description: "The connection (never its secrets).", json: connection } },
  },
  {
    method: "patch",
    path: "/api/admin/tenants/{id}/connections/{connectionId}",
    tag: "connections",
    summary: "Change a connection",
    description: "The provider cannot change. `null` clears the display name (or, for `oidc`, is refused for the issuer).",
    security: ["adminToken"],
    pathParameters: params,
    body: updateConnectionSchema,
    answers: { 200: { description: "The updated connection.", json: connection } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "delete",
    path: "/api/admin/tenants/{id}/connections/{connectionId}",
    tag: "connections",
    summary: "Delete a connection",
    description: "Its button leaves the login page and its id leaves `sign_in_methods`; users keep their accounts.",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 204: { description: "Deleted." } },
    errors: ["invalid_request", "payload_too_large", ...WRITE_ERRORS],
  },
];
