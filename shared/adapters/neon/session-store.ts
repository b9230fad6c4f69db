import { eq, sql } from "drizzle-orm";
import { sessions } from "../../../drizzle/schema";
import type { RefreshOutcome, SessionRecord, SessionStore } from "../../ports/session-store";
import type { Database } from "./database";

interface RotationRow extends Record<string, unknown> {
  rotated: number;
  retried: number;
  reused: number;
  session_id: string | null;
  tenant_id: string | null;
  user_id: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  snapshot_spent: boolean | null;
}

export function neonSessionStore(db: Database): SessionStore {
  return {
    async find(id) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
      return row ? { id: row.id, tenantId: row.tenantId, userId: row.userId, expiresAt: row.expiresAt, revokedAt: row.revokedAt } : null;
    },

    async rotate(request) {
      // One statement, so the decision and its effects are atomic. Racing rotations of one
      // token serialise on its row lock: the loser's UPDATE finds it spent and installs
      // nothing. A loser whose snapshot still showed the token unspent learns nothing
      // about when it was spent, so it runs the statement again with a fresh snapshot.
      let row = await rotateOnce(db, request);
      if (row.rotated === 0 && row.retried === 0 && row.reused === 0 && row.session_id !== null && row.snapshot_spent === false) {
        row = await rotateOnce(db, request);
      }
      return toOutcome(row);
    },
  };
}

async function rotateOnce(db: Database, request: Parameters<SessionStore["rotate"]>[0]): Promise<RotationRow> {
  const now = request.now.toISOString();
  const result = await db.execute<RotationRow>(sql`
    with presented as (
      select rt.session_id, rt.generation, rt.spent_at, s.tenant_id, s.user_id, s.expires_at, s.revoked_at
      from refresh_tokens rt join sessions s on s.id = rt.session_id
      where rt.token_hash = ${request.presentedHash} and s.tenant_id = ${request.tenantId}
    ),
    live as (
      select * from presented where revoked_at is null and expires_at > ${now}::timestamptz
    ),
    spent as (
      update refresh_tokens set spent_at = ${now}::timestamptz
      where token_hash = ${request.presentedHash} and spent_at is null and exists (select 1 from live)
      returning session_id, generation
    ),
    retried as (
      -- A retry within the interval replaces the unspent successor's hash, so the
      -- session still has exactly one live refresh token: the one this answer carries.
      update refresh_tokens rt set token_hash = ${request.successorHash}
      from live
      where live.spent_at is not null
        and live.spent_at > ${now}::timestamptz - make_interval(secs => ${request.reuseIntervalSeconds}::int)
        and rt.session_id = live.session_id and rt.generation = live.generation + 1 and rt.spent_at is null
      returning rt.session_id
    ),
    successor as (
      insert into refresh_tokens (token_hash, session_id, generation)
      select ${request.successorHash}, session_id, generation + 1 from spent
      returning session_id
    ),
    extended as (
      update sessions set expires_at = ${request.sessionExpiresAt.toISOString()}::timestamptz, last_used_at = ${now}::timestamptz
      where id in (select session_id from successor union all select session_id from retried)
      returning id
    ),
    reuse as (
      update sessions set revoked_at = ${now}::timestamptz, revoke_reason = 'refresh_token_reuse'
      where id in (select session_id from live where spent_at is not null)
        and not exists (select 1 from spent) and not exists (select 1 from retried)
        and revoked_at is null
      returning id
    ),
    queued as (
      -- Data-modifying CTEs run to completion whether or not the final select reads them.
      insert into revocation_outbox (id, kind, subject_id, at, expires_at)
      select gen_random_uuid()::text, 'session', id, ${now}::timestamptz, ${request.listExpiresAt.toISOString()}::timestamptz from reuse
      returning id
    )
    select
      (select count(*) from successor)::int as rotated,
      (select count(*) from retried)::int as retried,
      (select count(*) from reuse)::int as reused,
      p.session_id, p.tenant_id, p.user_id, p.expires_at, p.revoked_at, (p.spent_at is not null) as snapshot_spent
    from (select 1) one left join presented p on true
  `);
  const row = result.rows[0];
  if (!row) throw new Error("rotation statement returned no row");
  return row;
}

function toOutcome(row: RotationRow): RefreshOutcome {
  if (row.session_id === null || row.user_id === null || row.tenant_id === null || row.expires_at === null) return { kind: "invalid" };
  const session: SessionRecord = {
    id: row.session_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
  };
  if (row.rotated > 0) return { kind: "rotated", session };
  if (row.retried > 0) return { kind: "retried", session };
  if (row.reused > 0) return { kind: "reused", session };
  return { kind: "invalid" };
}
