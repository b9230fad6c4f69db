import { inArray, sql } from "drizzle-orm";
import { revocationOutbox } from "../../../drizzle/schema";
import type { RevocationStore, UserRevocation } from "../../ports/revocation-store";
import type { Database } from "./database";

const USER_CHANGES: Record<UserRevocation, { reason: string; set: ReturnType<typeof sql> }> = {
  logout_all: { reason: "logout_all", set: sql`` },
  revoke_sessions: { reason: "admin_revoke", set: sql`` },
  disable: { reason: "user_disabled", set: sql`, disabled = true` },
  erase: { reason: "user_deleted", set: sql`, disabled = true, phone = null, email = null, metadata = '{}'::jsonb, roles = '[]'::jsonb` },
};

type OutboxRow = {
  id: string;
  kind: "session" | "user";
  subject_id: string;
  at: Date | string;
  expires_at: Date | string;
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
        returning id
      `);
      return result.rows[0]?.id ?? null;
    },

    async revokeUser(userId, change, at, listExpiresAt) {
      const { reason, set } = USER_CHANGES[change];
      const atText = at.toISOString();
      const expires = listExpiresAt.toISOString();
      const deletedAt = change === "erase" ? sql`, deleted_at = ${atText}::timestamptz` : sql``;
      // Only the user mark is queued: it revokes every token of every session issued before `at`.
      // One entry per session would let a user with many sessions queue a backlog ahead of others' revocations.
      const result = await db.execute<{ found: number; revoked: number; outbox_id: string | null }>(sql`
        with target as (
          update users set tokens_valid_after = ${atText}::timestamptz, updated_at = ${atText}::timestamptz ${set} ${deletedAt}
          where id = ${userId} and deleted_at is null
          returning id
        ),
        revoked as (
          update sessions set revoked_at = ${atText}::timestamptz, revoke_reason = ${reason}
          where user_id in (select id from target) and revoked_at is null and expires_at > ${atText}::timestamptz
          returning id
        ),
        queued as (
          insert into revocation_outbox (id, kind, subject_id, at, expires_at)
          select gen_random_uuid()::text, 'user', id, ${atText}::timestamptz, ${expires}::timestamptz from target
          returning id
        )
        select (select count(*) from target)::int as found, (select count(*) from revoked)::int as revoked, (select id from queued) as outbox_id
      `);
      const row = result.rows[0];
      return row && row.found > 0 && row.outbox_id !== null ? { sessionsRevoked: row.revoked, outboxId: row.outbox_id } : null;
    },

    async claim({ limit, now, claimUntil, ids }) {
      if (ids !== undefined && ids.length === 0) return [];
      const only = ids === undefined ? sql`` : sql`and id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`;
      // SKIP LOCKED: a drain running the same statement at the same time takes other rows instead of waiting for these.
      const result = await db.execute<OutboxRow>(sql`
        update revocation_outbox set claimed_until = ${claimUntil.toISOString()}::timestamptz
        where id in (
          select id from revocation_outbox
          where (claimed_until is null or claimed_until <= ${now.toISOString()}::timestamptz) ${only}
          order by created_at, id
          limit ${limit}
          for update skip locked
        )
        returning id, kind, subject_id, at, expires_at
      `);
      return result.rows.map((row) => ({ id: row.id, kind: row.kind, subjectId: row.subject_id, at: new Date(row.at), expiresAt: new Date(row.expires_at) }));
    },

    async markPublished(ids) {
      if (ids.length === 0) return;
      await db.delete(revocationOutbox).where(inArray(revocationOutbox.id, [...ids]));
    },

    async markFailed(ids, error) {
      if (ids.length === 0) return;
      await db
        .update(revocationOutbox)
        .set({ attempts: sql`${revocationOutbox.attempts} + 1`, lastError: error.slice(0, 200), claimedUntil: null })
        .where(inArray(revocationOutbox.id, [...ids]));
    },

    async backlog() {
      const result = await db.execute<{ pending: number; oldest: Date | string | null }>(sql`
        select count(*)::int as pending, min(created_at) as oldest from revocation_outbox
      `);
      const row = result.rows[0];
      return { pending: row?.pending ?? 0, oldestQueuedAt: row?.oldest === null || row?.oldest === undefined ? null : new Date(row.oldest) };
    },
  };
}
