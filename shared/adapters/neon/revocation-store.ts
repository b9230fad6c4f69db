import { asc, inArray, sql } from "drizzle-orm";
import { revocationOutbox } from "../../../drizzle/schema";
import type { RevocationStore, UserRevocation } from "../../ports/revocation-store";
import type { Database } from "./database";

const USER_CHANGES: Record<UserRevocation, { reason: string; set: ReturnType<typeof sql>; keepsSessions?: true }> = {
  logout_all: { reason: "logout_all", set: sql`` },
  revoke_sessions: { reason: "admin_revoke", set: sql`` },
  disable: { reason: "user_disabled", set: sql`, disabled = true` },
  erase: { reason: "user_deleted", set: sql`, disabled = true, phone = null, email = null, metadata = '{}'::jsonb, roles = '[]'::jsonb` },
  // Only the outstanding access tokens go: the sessions refresh into tokens with the remaining roles.
  roles_reduced: { reason: "roles_reduced", set: sql``, keepsSessions: true },
};

export function neonRevocationStore(db: Database): RevocationStore {
  return {
    async revokeSession(sessionId, reason, at, listExpiresAt) {
      const result = await db.execute<{ id: string }>(sql`
        with revoked as (
          update sessions set revoked_at = ${at.toISOString()}::timestamptz, revoke_reason = ${reason}
          where id = ${sessionId} and revoked_at is null
          returning id
        )
        insert into revocation_outbox (id, kind, subject_id, at, expires_at)
        select gen_random_uuid()::text, 'session', id, ${at.toISOString()}::timestamptz, ${listExpiresAt.toISOString()}::timestamptz from revoked
        returning subject_id as id
      `);
      return result.rows.length > 0;
    },

    async revokeUser(userId, change, at, listExpiresAt) {
      const { reason, set, keepsSessions } = USER_CHANGES[change];
      const atText = at.toISOString();
      const expires = listExpiresAt.toISOString();
      const deletedAt = change === "erase" ? sql`, deleted_at = ${atText}::timestamptz` : sql``;
      // The user's row is locked before the sessions are read, as a sign-in locks it before
      // writing its session: a sign-in that committed first is seen (and revoked) by the next
      // statement's snapshot, and one still waiting reads the change once this commits.
      const [, result] = await db.batch([
        db.execute(sql`select id from users where id = ${userId} for update`),
        db.execute<{ found: number; revoked: number }>(sql`
        with target as (
          update users set tokens_valid_after = ${atText}::timestamptz, updated_at = ${atText}::timestamptz ${set} ${deletedAt}
          where id = ${userId} and deleted_at is null
          returning id
        ),
        revoked as (
          update sessions set revoked_at = ${atText}::timestamptz, revoke_reason = ${reason}
          where user_id in (select id from target) and revoked_at is null ${keepsSessions ? sql`and false` : sql``}
          returning id
        ),
        queued as (
          insert into revocation_outbox (id, kind, subject_id, at, expires_at)
          select gen_random_uuid()::text, 'user', id, ${atText}::timestamptz, ${expires}::timestamptz from target
          union all
          select gen_random_uuid()::text, 'session', id, ${atText}::timestamptz, ${expires}::timestamptz from revoked
          returning id
        )
        select (select count(*) from target)::int as found, (select count(*) from revoked)::int as revoked, (select count(*) from queued)::int as queued
      `),
      ]);
      const row = result.rows[0];
      return row && row.found > 0 ? { sessionsRevoked: row.revoked } : null;
    },

    async pending(limit) {
      const rows = await db.select().from(revocationOutbox).orderBy(asc(revocationOutbox.createdAt)).limit(limit);
      return rows.map((row) => ({ id: row.id, kind: row.kind, subjectId: row.subjectId, at: row.at, expiresAt: row.expiresAt }));
    },

    async markPublished(ids) {
      if (ids.length === 0) return;
      await db.delete(revocationOutbox).where(inArray(revocationOutbox.id, [...ids]));
    },

    async markFailed(ids, error) {
      if (ids.length === 0) return;
      await db
        .update(revocationOutbox)
        .set({ attempts: sql`${revocationOutbox.attempts} + 1`, lastError: error.slice(0, 200) })
        .where(inArray(revocationOutbox.id, [...ids]));
    },
  };
}
