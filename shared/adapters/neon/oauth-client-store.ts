import { and, asc, eq, isNull } from "drizzle-orm";
import { oauthClients } from "../../../drizzle/schema";
import type { OAuthClientRecord, OAuthClientStore } from "../../ports/oauth-client-store";
import type { Database } from "./database";

export function neonOAuthClientStore(db: Database): OAuthClientStore {
  return {
    async create(client, now) {
      const inserted = await db
        .insert(oauthClients)
        .values({
          id: client.id,
          tenantId: client.tenantId,
          name: client.name,
          type: client.type,
          firstParty: client.firstParty,
          redirectUris: [...client.redirectUris],
          postLogoutRedirectUris: [...client.postLogoutRedirectUris],
          idTokenAlg: client.idTokenAlg,
          roles: [...client.roles],
          secretHash: client.secretHash,
          createdAt: now,
          updatedAt: now,
        })
        .returning({ id: oauthClients.id });
      return inserted.length === 1 ? "created" : "no_tenant";
    },

    async find(id) {
      const [row] = await db.select().from(oauthClients).where(and(eq(oauthClients.id, id), isNull(oauthClients.deletedAt))).limit(1);
      return row ? toRecord(row) : null;
    },

    async list(tenantId) {
      const rows = await db
        .select()
        .from(oauthClients)
        .where(and(eq(oauthClients.tenantId, tenantId), isNull(oauthClients.deletedAt)))
        .orderBy(asc(oauthClients.createdAt), asc(oauthClients.id));
      return rows.map(toRecord);
    },

    async update(tenantId, id, changes, now) {
      const [row] = await db
        .update(oauthClients)
        .set({
          ...(changes.name === undefined ? {} : { name: changes.name }),
          ...(changes.firstParty === undefined ? {} : { firstParty: changes.firstParty }),
          ...(changes.redirectUris === undefined ? {} : { redirectUris: [...changes.redirectUris] }),
          ...(changes.postLogoutRedirectUris === undefined ? {} : { postLogoutRedirectUris: [...changes.postLogoutRedirectUris] }),
          ...(changes.idTokenAlg === undefined ? {} : { idTokenAlg: changes.idTokenAlg }),
          ...(changes.roles === undefined ? {} : { roles: [...changes.roles] }),
          updatedAt: now,
        })
        .where(and(eq(oauthClients.id, id), eq(oauthClients.tenantId, tenantId), isNull(oauthClients.deletedAt)))
        .returning();
      return row ? toRecord(row) : null;
    },

    async remove(tenantId, id, now) {
      const removed = await db
        .update(oauthClients)
        .set({ deletedAt: now, updatedAt: now, secretHash: null })
        .where(and(eq(oauthClients.id, id), eq(oauthClients.tenantId, tenantId), isNull(oauthClients.deletedAt)))
        .returning({ id: oauthClients.id });
      return removed.length === 1;
    },
  };
}

function toRecord(row: typeof oauthClients.$inferSelect): OAuthClientRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    name: row.name,
    type: row.type,
    firstParty: row.firstParty,
    redirectUris: row.redirectUris,
    postLogoutRedirectUris: row.postLogoutRedirectUris,
    idTokenAlg: row.idTokenAlg,
    roles: row.roles,
    secretHash: row.secretHash,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}
