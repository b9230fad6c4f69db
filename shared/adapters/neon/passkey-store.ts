import { and, asc, eq, sql } from "drizzle-orm";
import { passkeys } from "../../../drizzle/schema";
import type { PasskeyRecord, PasskeyStore } from "../../ports/passkey-store";
import type { Database } from "./database";
import { isUniqueViolation } from "./unique-violation";

/** One credential id per tenant; see drizzle/schema.ts. */
const CREDENTIAL_INDEX = "passkeys_tenant_credential_idx";

export function neonPasskeyStore(db: Database): PasskeyStore {
  return {
    async add(passkey, now) {
      try {
        // Inserted only for a live user of the tenant: a user deleted meanwhile gets no passkey.
        const result = await db.execute<{ id: string }>(sql`
          insert into passkeys (id, tenant_id, user_id, credential_id, public_key, algorithm, sign_count, transports, aaguid, backed_up, name, created_at)
          select ${passkey.id}, ${passkey.tenantId}, ${passkey.userId}, ${passkey.credentialId}, ${passkey.publicKey}, ${passkey.algorithm},
                 ${passkey.signCount}, ${JSON.stringify(passkey.transports)}::jsonb, ${passkey.aaguid}, ${passkey.backedUp}, ${passkey.name}, ${now.toISOString()}::timestamptz
          from users where id = ${passkey.userId} and tenant_id = ${passkey.tenantId} and deleted_at is null
          returning id
        `);
        const [row] = result.rows[0] ? await db.select().from(passkeys).where(eq(passkeys.id, passkey.id)).limit(1) : [];
        if (!row) return { kind: "user_gone" };
        return { kind: "added", passkey: toRecord(row) };
      } catch (error) {
        if (isUniqueViolation(error, CREDENTIAL_INDEX)) return { kind: "credential_taken" };
        throw error;
      }
    },

    async listForUser(tenantId, userId) {
      const rows = await db.select().from(passkeys).where(and(eq(passkeys.tenantId, tenantId), eq(passkeys.userId, userId))).orderBy(asc(passkeys.createdAt), asc(passkeys.id));
      return rows.map(toRecord);
    },

    async findByCredentialId(tenantId, credentialId) {
      const [row] = await db.select().from(passkeys).where(and(eq(passkeys.tenantId, tenantId), eq(passkeys.credentialId, credentialId))).limit(1);
      return row ? toRecord(row) : null;
    },

    async recordUse(id, signCount, backedUp, now) {
      // The counter is compared in the write: two sign-ins racing with one counter value cannot both pass.
      const written = await db
        .update(passkeys)
        .set({ signCount, backedUp, lastUsedAt: now })
        .where(and(eq(passkeys.id, id), sql`(${passkeys.signCount} < ${signCount} or (${passkeys.signCount} = 0 and ${signCount} = 0))`))
        .returning({ id: passkeys.id });
      return written.length > 0;
    },

    async remove(tenantId, userId, id) {
      const deleted = await db
        .delete(passkeys)
        .where(and(eq(passkeys.id, id), eq(passkeys.tenantId, tenantId), eq(passkeys.userId, userId)))
        .returning({ id: passkeys.id });
      return deleted.length > 0;
    },
  };
}

function toRecord(row: typeof passkeys.$inferSelect): PasskeyRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    credentialId: row.credentialId,
    publicKey: row.publicKey,
    algorithm: row.algorithm,
    signCount: row.signCount,
    transports: row.transports,
    aaguid: row.aaguid,
    backedUp: row.backedUp,
    name: row.name,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
  };
}
