import { and, eq, sql } from "drizzle-orm";
import { tenantKeys, tenants } from "../../../drizzle/schema";
import type { KeyKind, TenantRecord, TenantRepository } from "../../ports/tenant-repository";
import type { Database } from "./database";
import { isUniqueViolation } from "./constraint-violation";

export function neonTenantRepository(db: Database): TenantRepository {
  return {
    async create(tenant, keyPair) {
      try {
        await db.batch([
          db.insert(tenants).values({ id: tenant.id, name: tenant.name, slug: tenant.slug, settings: { ...tenant.settings } }),
          db.insert(tenantKeys).values({ id: keyPair.id, tenantId: tenant.id, apiKeyHash: keyPair.apiKeyHash, secretKeyHash: keyPair.secretKeyHash }),
        ]);
        return "created";
      } catch (error) {
        if (isUniqueViolation(error, "tenants_slug_unique")) return "slug_taken";
        throw error;
      }
    },

    async find(id) {
      const [row] = await db.select().from(tenants).where(eq(tenants.id, id)).limit(1);
      return row ? toRecord(row) : null;
    },

    async update(id, changes) {
      const [row] = await db
        .update(tenants)
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.settingsPatch === undefined ? {} : { settings: sql`${tenants.settings} || ${JSON.stringify(changes.settingsPatch)}::jsonb` }),
          updatedAt: new Date(),
        })
        .where(eq(tenants.id, id))
        .returning();
      return row ? toRecord(row) : null;
    },

    async addKeyPair(tenantId, keyPair) {
      const exists = await db.select({ id: tenants.id }).from(tenants).where(eq(tenants.id, tenantId)).limit(1);
      if (exists.length === 0) return false;
      await db.insert(tenantKeys).values({ id: keyPair.id, tenantId, apiKeyHash: keyPair.apiKeyHash, secretKeyHash: keyPair.secretKeyHash });
      return true;
    },

    async deleteKeyPair(tenantId, keyId) {
      const deleted = await db.delete(tenantKeys).where(and(eq(tenantKeys.id, keyId), eq(tenantKeys.tenantId, tenantId))).returning({ id: tenantKeys.id });
      return deleted.length > 0;
    },

    async anyAllowsOrigin(origin) {
      const rows = await db.select({ id: tenants.id }).from(tenants).where(sql`${tenants.settings} -> 'cors_origins' ? ${origin}`).limit(1);
      return rows.length > 0;
    },

    async findByKeyHash(kind: KeyKind, hash: string) {
      const column = kind === "api" ? tenantKeys.apiKeyHash : tenantKeys.secretKeyHash;
      const [row] = await db.select({ tenant: tenants }).from(tenantKeys).innerJoin(tenants, eq(tenants.id, tenantKeys.tenantId)).where(eq(column, hash)).limit(1);
      return row ? toRecord(row.tenant) : null;
    },
  };
}

function toRecord(row: typeof tenants.$inferSelect): TenantRecord {
  return { id: row.id, name: row.name, slug: row.slug, settings: row.settings, createdAt: row.createdAt, updatedAt: row.updatedAt };
}
