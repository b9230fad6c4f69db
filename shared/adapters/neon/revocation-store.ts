import { inArray, sql } from "drizzle-orm";
import { revocationOutbox } from "../../../drizzle/schema";
import type { RevocationStore, UserRevocation } from "../../ports/revocation-store";
import type { Database } from "./database";

const USER_CHANGES: Record<UserRevocation, { reason: string; set: ReturnType<typeof sql>; keepsSessions?: true }> = {
  logout_all: { reason: "logout_all", set: sql`` },
  revoke_sessions: { reason: "admin_revoke", set: sql`` },
  disable: { reason: "user_disabled", set: sql`, disabled = true` },
  erase: {
    reason: "user_deleted",
    set: sql`, disabled = true, phone = null, email = null, email_verified = false, password_hash = null, metadata = '{}'::jsonb, roles = '[]'::jsonb`,
  },
  // Only the outstanding access tokens go: the sessions refresh into tokens with the remaining
  // roles, which this same statement writes (see revokeUser's newRoles).
  roles_reduced: { reason: "roles_reduced", set: sql``, keepsSessions: true },
};

/**
 * A session signed in or refreshed this close to the mark (or after it) may hold an access
 * token stamped after `at`: its request took its clock after the revoking one and committed
 * first. Such sessions get an entry of their own. The window covers clock differences between
 * isolates and a refresh retry answered up to the longest reuse interval (60 s) after its rotation.
 */
const RACED_SESSION_WINDOW_SECONDS = 61;

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

    async revokeUser(userId, change, at, listExpiresAt, newRoles) {
      const { reason, set: changeSet, keepsSessions } = USER_CHANGES[change];
      if ((change === "roles_reduced") !== (newRoles !== undefined)) throw new Error("only a roles_reduced revocation writes new roles, and it must");
      const set = newRoles === undefined ? changeSet : sql`, roles = ${JSON.stringify(newRoles)}::jsonb`;
      const atText = at.toISOString();
      const expires = listExpiresAt.toISOString();
      const deletedAt = change === "erase" ? sql`, deleted_at = ${atText}::timestamptz` : sql``;
      // Erasure also removes the user's linked identities, second factors (TOTP, recovery codes,
      // passkeys and their pending WebAuthn challenges) and emailed link tokens, in the same
      // statement: a failure leaves all of it, a retry erases all of it. Link tokens not yet tied
      // to the user (a sign-in link sent before the account existed) go by the erased address,
      // which `erased` reads from the snapshot before `target` clears it.
      const erasure =
        change === "erase"
          ? sql`,
        erased as (select id, tenant_id, email from users where id = ${userId} and deleted_at is null),
        erased_identities as (delete from identities where user_id in (select id from target) returning id),
        erased_totp as (delete from totp_factors where user_id in (select id from target) returning id),
        erased_recovery_codes as (delete from recovery_codes where user_id in (select id from target) returning code_hash),
        erased_passkeys as (delete from passkeys where user_id in (select id from target) returning id),
        erased_challenges as (delete from webauthn_challenges where user_id in (select id from target) returning id),
        erased_tokens as (
          delete from email_tokens t using erased e
          where exists (select 1 from target) and (t.user_id = e.id or (t.user_id is null and t.tenant_id = e.tenant_id and lower(t.email) = lower(e.email)))
          returning t.token_hash
        )`
          : sql``;
      // A role change revokes no session, so no raced session gets an entry of its own: instead its
      // mark is moved past the last rotation that committed before it (whose clock may be later
      // than `at`), so the token that rotation minted with the old roles is issued before the mark.
      const markAt = keepsSessions
        ? sql`greatest(${atText}::timestamptz, (select max(last_used_at) + interval '1 millisecond' from sessions where user_id = ${userId} and revoked_at is null))`
        : sql`${atText}::timestamptz`;
      // The user's row is locked before the sessions are read, as a sign-in locks it before
      // writing its session: a sign-in that committed first is seen (and revoked) by the next
      // statement's snapshot, and one still waiting reads the change once this commits.
      // The user mark covers every token of every session issued before `at`; one entry per
      // session would let a user with many sessions queue a backlog ahead of others' revocations,
      // so only sessions that raced the mark (see RACED_SESSION_WINDOW_SECONDS) get their own.
      const [, result] = await db.batch([
        db.execute(sql`select id from users where id = ${userId} for update`),
        db.execute<{ found: number; revoked: number; outbox_ids: string[] | null }>(sql`
        with target as (
          update users set tokens_valid_after = ${markAt}, updated_at = ${atText}::timestamptz ${set} ${deletedAt}
          where id = ${userId} and deleted_at is null
          returning id, tokens_valid_after
        ),
        revoked as (
          update sessions set revoked_at = ${atText}::timestamptz, revoke_reason = ${reason}
          where user_id in (select id from target) and revoked_at is null and expires_at > ${atText}::timestamptz ${keepsSessions ? sql`and false` : sql``}
          returning id, created_at, last_used_at
        ),
        queued as (
          insert into revocation_outbox (id, kind, subject_id, at, expires_at)
          select gen_random_uuid()::text, 'user', id, tokens_valid_after, ${expires}::timestamptz from target
          union all
          select gen_random_uuid()::text, 'session', id, ${atText}::timestamptz, ${expires}::timestamptz from revoked
          where greatest(created_at, coalesce(last_used_at, created_at)) > ${atText}::timestamptz - make_interval(secs => ${RACED_SESSION_WINDOW_SECONDS})
          returning id, kind
        )${erasure}
        select (select count(*) from target)::int as found, (select count(*) from revoked)::int as revoked,
          (select array_agg(id order by kind desc) from queued) as outbox_ids
      `),
      ]);
      const row = result.rows[0];
      return row && row.found > 0 && row.outbox_ids !== null ? { sessionsRevoked: row.revoked, outboxIds: row.outbox_ids } : null;
    },

    async revokeOtherSessions(userId, keepSessionId, reason, at, listExpiresAt) {
      const atText = at.toISOString();
      const [, result] = await db.batch([
        db.execute(sql`select id from users where id = ${userId} for update`),
        db.execute<{ revoked: number; outbox_ids: string[] | null }>(sql`
        with revoked as (
          update sessions set revoked_at = ${atText}::timestamptz, revoke_reason = ${reason}
          where user_id = ${userId} and id <> ${keepSessionId} and revoked_at is null and expires_at > ${atText}::timestamptz
          returning id
        ),
        queued as (
          insert into revocation_outbox (id, kind, subject_id, at, expires_at)
          select gen_random_uuid()::text, 'session', id, ${atText}::timestamptz, ${listExpiresAt.toISOString()}::timestamptz from revoked
          returning id
        )
        select (select count(*) from revoked)::int as revoked, (select array_agg(id) from queued) as outbox_ids
      `),
      ]);
      const row = result.rows[0];
      return { sessionsRevoked: row?.revoked ?? 0, outboxIds: row?.outbox_ids ?? [] };
    },

    async revokeClient(tenantId, clientId, at, listExpiresAt) {
      const atText = at.toISOString();
      const expires = listExpiresAt.toISOString();
      const result = await db.execute<{ found: number; revoked: number; outbox_ids: string[] | null }>(sql`
        with target as (
          update oauth_clients set deleted_at = ${atText}::timestamptz, updated_at = ${atText}::timestamptz, secret_hash = null
          where id = ${clientId} and tenant_id = ${tenantId} and deleted_at is null
          returning id
        ),
        revoked as (
          update sessions set revoked_at = ${atText}::timestamptz, revoke_reason = 'client_deleted'
          where client_id in (select id from target) and revoked_at is null and expires_at > ${atText}::timestamptz
          returning id
        ),
        queued as (
          insert into revocation_outbox (id, kind, subject_id, at, expires_at)
          select gen_random_uuid()::text, 'user', id, ${atText}::timestamptz, ${expires}::timestamptz from target
          union all
          select gen_random_uuid()::text, 'session', id, ${atText}::timestamptz, ${expires}::timestamptz from revoked
          returning id
        )
        select (select count(*) from target)::int as found, (select count(*) from revoked)::int as revoked, (select array_agg(id) from queued) as outbox_ids
      `);
      const row = result.rows[0];
      return row && row.found > 0 ? { sessionsRevoked: row.revoked, outboxIds: row.outbox_ids ?? [] } : null;
    },

    async claim({ limit, now, claimUntil, ids }) {
      if (ids !== undefined && ids.length === 0) return [];
      const only = ids === undefined ? sql`` : sql`and id in (${sql.join(ids.map((id) => sql`${id}`), sql`, `)})`;
      // SKIP LOCKED: a drain running the same statement at the same time takes other rows instead of waiting for these.
      // MATERIALIZED: as `where id in (select … limit n)` the planner may run the subquery more than once
      // and claim more than `limit` rows; a materialized CTE picks them exactly once.
      const result = await db.execute<OutboxRow>(sql`
        with picked as materialized (
          select id from revocation_outbox
          where (claimed_until is null or claimed_until <= ${now.toISOString()}::timestamptz) ${only}
          order by created_at, id
          limit ${limit}
          for update skip locked
        )
        update revocation_outbox set claimed_until = ${claimUntil.toISOString()}::timestamptz
        from picked where revocation_outbox.id = picked.id
        returning revocation_outbox.id, revocation_outbox.kind, revocation_outbox.subject_id, revocation_outbox.at, revocation_outbox.expires_at
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
