import { and, eq, sql } from "drizzle-orm";
import { consents } from "../../../drizzle/schema";
import type { ConsentStore } from "../../ports/consent-store";
import type { Database } from "./database";

export function neonConsentStore(db: Database): ConsentStore {
  return {
    async granted(userId, clientId) {
      const [row] = await db
        .select({ scopes: consents.scopes })
        .from(consents)
        .where(and(eq(consents.userId, userId), eq(consents.clientId, clientId)))
        .limit(1);
      return row?.scopes ?? [];
    },

    async grant(consent, now) {
      // One statement, merged in the database: two tabs allowing different scopes at once both count.
      await db
        .insert(consents)
        .values({ tenantId: consent.tenantId, userId: consent.userId, clientId: consent.clientId, scopes: [...new Set(consent.scopes)].sort(), grantedAt: now })
        .onConflictDoUpdate({
          target: [consents.userId, consents.clientId],
          set: {
            scopes: sql`(select coalesce(jsonb_agg(distinct scope order by scope), '[]'::jsonb) from jsonb_array_elements_text(${consents.scopes} || excluded.scopes) as scope)`,
            grantedAt: now,
          },
        });
    },
  };
}
