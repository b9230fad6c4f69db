import type { Hono } from "hono";
import { z } from "zod";
import { ROLE_PATTERN } from "../../../shared/domain/access-token-claims";
import { secretsEqual } from "../../../shared/crypto/constant-time";
import { isId } from "../../../shared/crypto/ids";
import { AUDIT_EVENT_TYPES } from "../../../shared/domain/audit-event-types";
import { normalizePhone } from "../../../shared/domain/phone";
import { NO_CONTROL_CHARACTERS, ROLE_RULE, tenantSettingsPatchSchema } from "../../../shared/domain/tenant-settings";
import { resource, type AppEnv } from "../../../shared/http/create-app";
import { failureToResponse } from "../../../shared/http/error-body";
import { expectNoBody } from "../../../shared/http/json-body";
import { bearerToken, jsonInput, noContent, respond } from "../../../shared/http/respond";
import { queryInput, queryInteger } from "../../../shared/http/query-input";
import { err, ok } from "../../../shared/errors/result";
import type { IssuerBindings } from "../app";
import { addTenantKeyPair, createTenant, deleteTenantKeyPair, getTenant, updateTenant, type TenantAdminDeps } from "../services/tenant-admin";
import type { IssuerDeps } from "../deps";
import { deleteUser, getUser, listAudit, listUsers, revokeUserSessions, updateUser } from "../services/user-admin";
import { idempotentWrites } from "./idempotency";
import { SMS_STATS_DEFAULT_DAYS, SMS_STATS_MAX_DAYS, tenantSmsStats } from "../services/sms-stats";

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
// The name is the default SMS branding, so it follows the branding's rule on control characters.
const name = z.string().trim().min(1).max(100).regex(NO_CONTROL_CHARACTERS, "must not contain control characters.");
export const createTenantSchema = z.strictObject({ name, slug: z.string().regex(SLUG, "must be 1 to 63 lowercase letters, digits and hyphens, starting and ending with a letter or digit."), settings: tenantSettingsPatchSchema.optional() });
export const updateTenantSchema = z.strictObject({ name: name.optional(), settings: tenantSettingsPatchSchema.optional() });
export const updateUserSchema = z.strictObject({
  roles: z.array(z.string().regex(ROLE_PATTERN, ROLE_RULE)).max(20).optional(),
  disabled: z.boolean().optional(),
  metadata: z.record(z.string().max(100), z.unknown()).optional(),
});
const pageQuery = {
  limit: queryInteger(1, 100).default(50),
  cursor: z.string().max(200).optional(),
};
/** A filter by id takes only an id of its kind: anything else is a mistake worth telling, not an empty page. */
const idFilter = (prefix: "tn" | "usr") => z.string().refine((value) => isId(prefix, value), `must be an id starting with ${prefix}_.`);
export const usersQuery = z.strictObject({ tenant_id: idFilter("tn").optional(), phone: z.string().max(40).optional(), ...pageQuery });
export const smsStatsQuery = z.strictObject({ days: queryInteger(1, SMS_STATS_MAX_DAYS).default(SMS_STATS_DEFAULT_DAYS) });
export const auditQuery = z.strictObject({ tenant_id: idFilter("tn").optional(), user_id: idFilter("usr").optional(), type: z.enum(AUDIT_EVENT_TYPES).optional(), ...pageQuery });

/** Path ids are checked for shape before any query: a malformed id is simply not found. */
function idParam(prefix: "tn" | "usr" | "key", value: string | undefined) {
  return value !== undefined && isId(prefix, value) ? ok(value) : err({ reason: "not_found" as const });
}

export function adminRoutes(app: Hono<AppEnv<IssuerBindings>>): void {
  app.use("/api/admin/*", async (c, next) => {
    const presented = bearerToken(c);
    if (presented === null || !(await secretsEqual(presented, c.get("deps").config.adminToken))) return failureToResponse({ reason: "unauthorized" });
    await next();
    return undefined;
  });
  app.use(
    "/api/admin/*",
    idempotentWrites((deps) => ({ store: deps.idempotency, scopeCredential: deps.config.adminToken, keyEncryptionSecret: deps.config.keyEncryptionSecret, logger: deps.logger })),
  );

  resource(app, "/api/admin/tenants", {
    POST: async (c) => {
      const input = await jsonInput(c, createTenantSchema);
      if (!input.ok) return respond(input);
      const deps = c.get("deps");
      return respond(await createTenant(tenantAdminDeps(deps), c.get("audit"), { ...input.value, settings: input.value.settings ?? {} }), 201);
    },
  });

  resource(app, "/api/admin/tenants/:id", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const deps = c.get("deps");
      return respond(await getTenant(tenantAdminDeps(deps), id.value));
    },
    PATCH: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const input = await jsonInput(c, updateTenantSchema);
      if (!input.ok) return respond(input);
      const deps = c.get("deps");
      return respond(await updateTenant(tenantAdminDeps(deps), c.get("audit"), id.value, stripUndefined(input.value)));
    },
  });

  resource(app, "/api/admin/tenants/:id/keys", {
    POST: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      const deps = c.get("deps");
      return respond(await addTenantKeyPair(tenantAdminDeps(deps), c.get("audit"), id.value), 201);
    },
  });

  resource(app, "/api/admin/tenants/:id/keys/:keyId", {
    DELETE: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      const keyId = idParam("key", c.req.param("keyId"));
      if (!id.ok) return respond(id);
      if (!keyId.ok) return respond(keyId);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      const deps = c.get("deps");
      return noContent(await deleteTenantKeyPair(tenantAdminDeps(deps), c.get("audit"), id.value, keyId.value));
    },
  });

  resource(app, "/api/admin/tenants/:id/sms-stats", {
    GET: async (c) => {
      const id = idParam("tn", c.req.param("id"));
      if (!id.ok) return respond(id);
      const query = queryInput(c, smsStatsQuery);
      if (!query.ok) return respond(query);
      const deps = c.get("deps");
      return respond(await tenantSmsStats({ tenants: deps.tenants, smsStats: deps.smsStats, now: () => new Date() }, id.value, query.value.days));
    },
  });

  resource(app, "/api/admin/users", {
    GET: async (c) => {
      const query = queryInput(c, usersQuery);
      if (!query.ok) return respond(query);
      let phone: string | undefined;
      if (query.value.phone !== undefined) {
        const normalized = normalizePhone(query.value.phone);
        if (!normalized.ok) return respond(err({ reason: "invalid_phone" }));
        phone = normalized.value.e164;
      }
      return respond(await listUsers(c.get("deps"), { tenantId: query.value.tenant_id, phone, limit: query.value.limit, cursor: query.value.cursor ?? null }));
    },
  });

  resource(app, "/api/admin/users/:id", {
    GET: async (c) => {
      const id = idParam("usr", c.req.param("id"));
      if (!id.ok) return respond(id);
      return respond(await getUser(c.get("deps"), id.value));
    },
    PATCH: async (c) => {
      const id = idParam("usr", c.req.param("id"));
      if (!id.ok) return respond(id);
      const input = await jsonInput(c, updateUserSchema);
      if (!input.ok) return respond(input);
      return respond(await updateUser(c.get("deps"), c.get("audit"), id.value, stripUndefined(input.value)));
    },
    DELETE: async (c) => {
      const id = idParam("usr", c.req.param("id"));
      if (!id.ok) return respond(id);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return noContent(await deleteUser(c.get("deps"), c.get("audit"), id.value));
    },
  });

  resource(app, "/api/admin/users/:id/revoke-sessions", {
    POST: async (c) => {
      const id = idParam("usr", c.req.param("id"));
      if (!id.ok) return respond(id);
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      return respond(await revokeUserSessions(c.get("deps"), c.get("audit"), id.value));
    },
  });

  resource(app, "/api/admin/audit", {
    GET: async (c) => {
      const query = queryInput(c, auditQuery);
      if (!query.ok) return respond(query);
      return respond(await listAudit(c.get("deps"), { tenantId: query.value.tenant_id, userId: query.value.user_id, type: query.value.type, limit: query.value.limit, cursor: query.value.cursor ?? null }));
    },
  });

  resource(app, "/api/admin/keys/rotate", {
    POST: async (c) => {
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      const deps = c.get("deps");
      const rotated = await deps.signingKeys.rotate();
      c.get("audit").record("signing_key.rotated", "success", { details: { ...rotated, by: "admin" } });
      return respond(ok(rotated));
    },
  });

  resource(app, "/api/admin/keys/:kid/withdraw", {
    POST: async (c) => {
      const body = await expectNoBody(c);
      if (!body.ok) return respond(body);
      const kid = idParam("key", c.req.param("kid"));
      if (!kid.ok) return respond(kid);
      const withdrawn = await c.get("deps").signingKeys.withdraw(kid.value);
      if (!withdrawn.ok) return respond(err({ reason: "not_found" }));
      c.get("audit").record("signing_key.withdrawn", "success", { details: { ...withdrawn.value, by: "admin" } });
      return respond(ok(withdrawn.value));
    },
  });
}

function stripUndefined<T extends object>(value: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function tenantAdminDeps(deps: IssuerDeps): TenantAdminDeps {
  return { tenants: deps.tenants, defaultAudience: deps.config.defaultAudience, keyEncryptionSecret: deps.config.keyEncryptionSecret };
}
