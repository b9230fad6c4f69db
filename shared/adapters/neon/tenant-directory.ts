import { and, asc, desc, eq, lt, or } from "drizzle-orm";
import { tenantKeys, tenants } from "../../../drizzle/schema";
import type { TenantDirectory } from "../../ports/tenant-directory";
import type { Database } from "./database";

export function neonTenantDirectory(db: Database): TenantDirectory {
  return {
    async list(page) {
      const after = page.after === null ? undefined : or(lt(tenants.createdAt, page.after.createdAt), and(eq(tenants.createdAt, page.after.createdAt), lt(tenants.id, page.after.id)));
      const rows = await db
        .select({ id: tenants.id, name: tenants.name, slug: tenants.slug, createdAt: tenants.createdAt })
        .from(tenants)
        .where(after)
        .orderBy(desc(tenants.createdAt), desc(tenants.id))
        .limit(page.limit + 1);
      const shown = rows.slice(0, page.limit);
      const last = shown.at(-1);
      return { tenants: shown, next: rows.length > page.limit && last ? { createdAt: last.createdAt, id: last.id } : null };
    },

    async keys(tenantId) {
      return db.select({ id: tenantKeys.id, createdAt: tenantKeys.createdAt }).from(tenantKeys).where(eq(tenantKeys.tenantId, tenantId)).orderBy(asc(tenantKeys.createdAt), asc(tenantKeys.id));
    },
  };
}
