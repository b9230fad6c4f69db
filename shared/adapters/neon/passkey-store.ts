import { and, asc, eq, sql } from "drizzle-orm";
import { passkeys } from "../../../drizzle/schema";
import type { PasskeyRecord, PasskeyStore } from "../../ports/passkey-store";
import type { Database } from "./database";
import { isUniqueViolation } from "./constraint-violation";

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
      // Recovery codes stand in for a second factor: with the last one gone (no other passkey,
      // no authenticator app) they go too, as when the app is removed. The statement's
      // snapshot still shows the passkey being deleted, hence `id <>`.
      const result = await db.execute<{ removed: number }>(sql`
        with removed as (
          delete from passkeys where id = ${id} and tenant_id = ${tenantId} and user_id = ${userId} returning id
        ),
        codes as (
          delete from recovery_codes
          where user_id = ${userId} and exists (select 1 from removed)
            and not exists (select 1 from passkeys where user_id = ${userId} and id <> ${id})
            and not exists (select 1 from totp_factors where user_id = ${userId} and state = 'active')
          returning code_hash
        )
        select (select count(*) from removed)::int as removed, (select count(*) from codes)::int as codes
      `);
      return (result.rows[0]?.removed ?? 0) > 0;
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
