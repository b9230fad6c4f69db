import { and, asc, eq } from "drizzle-orm";
import { connections } from "../../../drizzle/schema";
import type { ProviderKind } from "../../domain/connections";
import type { ConnectionRecord, ConnectionStore } from "../../ports/connection-store";
import type { Database } from "./database";
import { isForeignKeyViolation } from "./constraint-violation";

type Row = typeof connections.$inferSelect;

function toRecord(row: Row): ConnectionRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    provider: row.provider as ProviderKind,
    clientId: row.clientId,
    sealedClientSecret: row.sealedClientSecret,
    issuer: row.issuer,
    scopes: row.scopes,
    displayName: row.displayName,
    enabled: row.enabled,
    keepProviderTokens: row.keepProviderTokens,
    apple: row.appleTeamId !== null && row.appleKeyId !== null && row.appleSealedPrivateKey !== null ? { teamId: row.appleTeamId, keyId: row.appleKeyId, sealedPrivateKey: row.appleSealedPrivateKey } : null,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

type Changes = Parameters<ConnectionStore["update"]>[2];

function columnsOf(changes: Changes): Partial<typeof connections.$inferInsert> {
  const { apple, scopes, ...rest } = changes;
  return { ...rest, ...(scopes === undefined ? {} : { scopes: [...scopes] }), ...(apple === undefined ? {} : { appleTeamId: apple?.teamId ?? null, appleKeyId: apple?.keyId ?? null, appleSealedPrivateKey: apple?.sealedPrivateKey ?? null }) };
}

export function neonConnectionStore(db: Database): ConnectionStore {
  return {
    async create(connection, now) {
      const { apple, ...rest } = connection;
      try {
        await db.insert(connections).values({ ...rest, scopes: [...rest.scopes], appleTeamId: apple?.teamId ?? null, appleKeyId: apple?.keyId ?? null, appleSealedPrivateKey: apple?.sealedPrivateKey ?? null, createdAt: now, updatedAt: now });
        return "created";
      } catch (error) {
        if (isForeignKeyViolation(error)) return "no_tenant";
        throw error;
      }
    },
    async find(id) {
      const [row] = await db.select().from(connections).where(eq(connections.id, id)).limit(1);
      return row ? toRecord(row) : null;
    },
    async list(tenantId) {
      return (await db.select().from(connections).where(eq(connections.tenantId, tenantId)).orderBy(asc(connections.createdAt), asc(connections.id))).map(toRecord);
    },
    async listEnabled(tenantId) {
      return (await db.select().from(connections).where(and(eq(connections.tenantId, tenantId), eq(connections.enabled, true))).orderBy(asc(connections.createdAt), asc(connections.id))).map(toRecord);
    },
    async update(tenantId, id, changes, now) {
      const values = columnsOf(changes);
      const [row] = await db.update(connections).set({ ...values, updatedAt: now }).where(and(eq(connections.id, id), eq(connections.tenantId, tenantId))).returning();
      return row ? toRecord(row) : null;
    },
    async remove(tenantId, id) {
      const removed = await db.delete(connections).where(and(eq(connections.id, id), eq(connections.tenantId, tenantId))).returning({ id: connections.id });
      return removed.length > 0;
    },
  };
}
