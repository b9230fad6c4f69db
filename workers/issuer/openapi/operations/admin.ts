import { z } from "zod";
import { tenantSettingsPatchSchema } from "../../../../shared/domain/tenant-settings";
import { auditQuery, createTenantSchema, smsStatsQuery, updateTenantSchema, updateUserSchema, usersQuery } from "../../routes/admin";
import type { Operation } from "../operation";
import { id, timestamp, userFields } from "../schemas";

/** Settings as the admin API shows them: every setting, the Turnstile secret only as "set". */
const settingsView = tenantSettingsPatchSchema.extend({
  turnstile: z
    .object({ site_key: z.string(), secret_key_set: z.literal(true), hostnames: z.array(z.string()).optional(), action: z.string().optional() })
    .nullable()
    .optional(),
});

const tenant = z.object({
  tenant_id: id("tn"),
  name: z.string(),
  slug: z.string(),
  settings: settingsView,
  created_at: timestamp,
  updated_at: timestamp,
});

const keyPair = z.object({
  key_id: id("key"),
  api_key: z.string().meta({ description: "The publishable key (`pk_…`), for apps. Shown once." }),
  secret_key: z.string().meta({ description: "The secret key (`sk_…`), for servers. Shown once." }),
});

export const adminUser = userFields.extend({ disabled: z.boolean(), updated_at: timestamp });

const auditEvent = z.object({
  id: id("evt"),
  type: z.string(),
  outcome: z.string(),
  tenant_id: z.string().nullable(),
  user_id: z.string().nullable(),
  ip: z.string().nullable(),
  user_agent: z.string().nullable(),
  country: z.string().nullable(),
  created_at: timestamp,
  details: z.record(z.string(), z.unknown()),
});

const kidPair = z.object({ current_kid: z.string(), next_kid: z.string() });

const smsStats = z.object({
  tenant_id: id("tn"),
  window: z.object({ from: timestamp, to: timestamp }),
  sends: z.object({ requested: z.number().int(), sent: z.number().int(), failed: z.number().int() }),
  blocks: z.record(z.string(), z.number().int()),
  delivery: z.object({
    delivered: z.number().int(),
    undelivered: z.number().int(),
    failed: z.number().int(),
    unknown: z.number().int(),
    delivery_rate: z.number().nullable(),
  }),
  estimated_spend: z.object({
    currency: z.literal("USD"),
    total: z.number(),
    by_country: z.record(z.string(), z.object({ sends: z.number().int(), estimated_cost: z.number() })),
  }),
});

const IDEMPOTENCY = "Send `Idempotency-Key` to make a retry safe: a repeat with the same key and body answers the first answer again.";
const tenantId = { id: "The tenant's id (`tn_…`)." };
const userId = { id: "The user's id (`usr_…`)." };

export const adminOperations: readonly Operation[] = [
  {
    method: "post",
    path: "/api/admin/tenants",
    tag: "admin",
    summary: "Create a tenant",
    description: `Answers the tenant with its first key pair; the keys are shown once and stored hashed. Unknown settings are refused. ${IDEMPOTENCY}`,
    security: ["adminToken"],
    body: createTenantSchema,
    bodyExample: { name: "Acme", slug: "acme", settings: { cors_origins: ["https://app.acme.example"] } },
    answers: { 201: { description: "The tenant and its keys.", json: tenant.extend(keyPair.shape) } },
    errors: ["slug_taken", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}",
    tag: "admin",
    summary: "A tenant, with its settings (never its keys)",
    security: ["adminToken"],
    pathParameters: tenantId,
    answers: { 200: { description: "The tenant.", json: tenant } },
  },
  {
    method: "patch",
    path: "/api/admin/tenants/{id}",
    tag: "admin",
    summary: "Rename a tenant or change its settings",
    description: `Settings are merged into the stored ones and validated as a whole. ${IDEMPOTENCY}`,
    security: ["adminToken"],
    pathParameters: tenantId,
    body: updateTenantSchema,
    bodyExample: { settings: { mfa: "optional", password_min_length: 10 } },
    answers: { 200: { description: "The updated tenant.", json: tenant } },
    errors: ["idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "post",
    path: "/api/admin/tenants/{id}/keys",
    tag: "admin",
    summary: "Issue another key pair",
    description: `Earlier keys keep working until deleted, so keys can be rotated without downtime. Takes no body. ${IDEMPOTENCY}`,
    security: ["adminToken"],
    pathParameters: tenantId,
    answers: { 201: { description: "The new keys, shown once.", json: keyPair } },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "delete",
    path: "/api/admin/tenants/{id}/keys/{keyId}",
    tag: "admin",
    summary: "Delete a key pair",
    description: "Both keys of the pair stop working at once.",
    security: ["adminToken"],
    pathParameters: { ...tenantId, keyId: "The key pair's id (`key_…`)." },
    answers: { 204: { description: "Deleted." } },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "get",
    path: "/api/admin/tenants/{id}/sms-stats",
    tag: "admin",
    summary: "SMS sends, blocks, delivery and estimated spend of a tenant",
    description: "Over the last `days` days (default 7). Spend is an estimate from list prices per country.",
    security: ["adminToken"],
    pathParameters: tenantId,
    query: smsStatsQuery,
    answers: { 200: { description: "The tenant's SMS figures.", json: smsStats } },
  },
  {
    method: "get",
    path: "/api/admin/users",
    tag: "admin",
    summary: "List users",
    description: "Filter by tenant or by phone (normalised to E.164); pages of `limit` (1..100, default 50), continued with `next_cursor`.",
    security: ["adminToken"],
    query: usersQuery,
    answers: { 200: { description: "A page of users.", json: z.object({ users: z.array(adminUser), next_cursor: z.string().nullable() }) } },
    errors: ["invalid_phone"],
  },
  {
    method: "get",
    path: "/api/admin/users/{id}",
    tag: "admin",
    summary: "A user",
    security: ["adminToken"],
    pathParameters: userId,
    answers: { 200: { description: "The user.", json: adminUser } },
  },
  {
    method: "patch",
    path: "/api/admin/users/{id}",
    tag: "admin",
    summary: "Change a user's roles, metadata or disabled flag",
    description: `Taking a role away revokes the user's outstanding access tokens; \`disabled: true\` revokes every session. ${IDEMPOTENCY}`,
    security: ["adminToken"],
    pathParameters: userId,
    body: updateUserSchema,
    bodyExample: { roles: ["user", "admin"] },
    answers: { 200: { description: "The updated user.", json: adminUser } },
    errors: ["idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "delete",
    path: "/api/admin/users/{id}",
    tag: "admin",
    summary: "Delete a user",
    description: "Erases the user's personal data and revokes every session; audit rows stay, pseudonymous.",
    security: ["adminToken"],
    pathParameters: userId,
    answers: { 204: { description: "Deleted." } },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "post",
    path: "/api/admin/users/{id}/revoke-sessions",
    tag: "admin",
    summary: "Revoke every session of a user",
    security: ["adminToken"],
    pathParameters: userId,
    answers: { 200: { description: "How many sessions were revoked.", json: z.object({ revoked: z.number().int() }) } },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "get",
    path: "/api/admin/audit",
    tag: "admin",
    summary: "The audit log, newest first",
    description: "Filter by tenant, user and event type; pages of `limit` (1..100, default 50), continued with `next_cursor`. Never holds a secret, code or token.",
    security: ["adminToken"],
    query: auditQuery,
    answers: { 200: { description: "A page of events.", json: z.object({ events: z.array(auditEvent), next_cursor: z.string().nullable() }) } },
  },
  {
    method: "post",
    path: "/api/admin/keys/rotate",
    tag: "admin",
    summary: "Rotate the signing keys now",
    description: "The next key becomes current and a new next key is published. Rotation also runs on a schedule.",
    security: ["adminToken"],
    answers: {
      200: {
        description: "The key ids now current and next, overall and per algorithm.",
        json: kidPair.extend({ algorithms: z.object({ ES256: kidPair, RS256: kidPair }) }),
      },
    },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
  {
    method: "post",
    path: "/api/admin/keys/{kid}/withdraw",
    tag: "admin",
    summary: "Withdraw a signing key (compromise)",
    description: "Tokens signed with the key stop verifying at once; a fresh key takes its place.",
    security: ["adminToken"],
    pathParameters: { kid: "The key id (`kid`) to withdraw." },
    answers: { 200: { description: "The withdrawn key and the keys now in use.", json: z.object({ withdrawn_kid: z.string(), current_kid: z.string(), next_kid: z.string() }) } },
    errors: ["invalid_request", "payload_too_large", "idempotency_key_in_use", "idempotency_key_reused"],
  },
];
