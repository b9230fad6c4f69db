import { z } from "zod";
import { createClientSchema, updateClientSchema } from "../../routes/oauth-clients-admin";
import type { Operation } from "../operation";
import { id, timestamp } from "../schemas";

const client = z.object({
  client_id: id("cli"),
  tenant_id: id("tn"),
  name: z.string(),
  type: z.enum(["public", "confidential"]),
  first_party: z.boolean().meta({ description: "First-party clients skip the consent page." }),
  redirect_uris: z.array(z.string()),
  post_logout_redirect_uris: z.array(z.string()),
  id_token_signed_response_alg: z.enum(["RS256", "ES256"]),
  roles: z.array(z.string()).meta({ description: "The roles of this client's own `client_credentials` tokens." }),
  created_at: timestamp,
  updated_at: timestamp,
});

const params = { id: "The tenant's id (`tn_…`).", clientId: "The client's id (`cli_…`)." };
const WRITE_ERRORS = ["idempotency_key_in_use", "idempotency_key_reused"] as const;

export const clientsOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/admin/tenants/{id}/clients",
    tag: "clients",
    summary: "Register an OAuth client (a relying party)",
    description:
      "Redirect URIs must be `https`, or `http` on a loopback address, and are matched exactly. A confidential client gets a `client_secret`, shown once and stored hashed; a public client must list at least one redirect URI and uses PKCE alone.",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    body: createClientSchema,
    bodyExample: { name: "Acme web", type: "confidential", redirect_uris: ["https://app.acme.example/callback"], first_party: true },
    answers: { 201: { description: "The client, with its secret when confidential.", json: client.extend({ client_secret: z.string().optional() }) } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/clients",
    tag: "clients",
    summary: "List a tenant's OAuth clients",
    security: ["adminToken"],
    pathParameters: { id: params.id },
    answers: { 200: { description: "Every client of the tenant.", json: z.object({ clients: z.array(client) }) } },
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/clients/{clientId}",
    tag: "clients",
    summary: "An OAuth client",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 200: { description: "The client (never its secret).", json: client } },
  },
  {
    method: "patch",
    path: "/api/admin/tenants/{id}/clients/{clientId}",
    tag: "clients",
    summary: "Change an OAuth client",
    description: "The type cannot change. Removing a role revokes the client's outstanding tokens at the gate.",
    security: ["adminToken"],
    pathParameters: params,
    body: updateClientSchema,
    answers: { 200: { description: "The updated client.", json: client } },
    errors: [...WRITE_ERRORS],
  },
  {
    method: "delete",
    path: "/api/admin/tenants/{id}/clients/{clientId}",
    tag: "clients",
    summary: "Delete an OAuth client",
    description: "Its codes and refresh tokens stop working, and the gate refuses its access tokens.",
    security: ["adminToken"],
    pathParameters: params,
    answers: { 204: { description: "Deleted." } },
    errors: ["invalid_request", "payload_too_large", ...WRITE_ERRORS],
  },
];
