import { and, desc, eq, gt, isNotNull, isNull, lt, sql, type SQL } from "drizzle-orm";
import { refreshTokens, sessions, users } from "../../../drizzle/schema";
import type { AmrValue } from "../../domain/authentication-methods";
import type { NewSession, RefreshOutcome, SessionRecord, SessionStore, SessionUser } from "../../ports/session-store";
import type { Database } from "./database";
import { insertVerifiedEmailUser, toUserRecord } from "./user-repository";

interface RotationRow extends Record<string, unknown> {
  rotated: number;
  retried: number;
  retry_sealed: string | null;
  reused: number;
  session_id: string | null;
  tenant_id: string | null;
  user_id: string | null;
  expires_at: string | null;
  revoked_at: string | null;
  auth_time: string | null;
  amr: AmrValue[] | null;
  snapshot_spent: boolean | null;
  user_roles: string[] | null;
  user_disabled: boolean | null;
  user_deleted_at: Date | string | null;
  user_tokens_valid_after: Date | string | null;
}

export function neonSessionStore(db: Database): SessionStore {
  return {
    async openForPhone({ tenantId, phone, newUser, session }) {
      const livePhoneUser = and(eq(users.tenantId, tenantId), eq(users.phone, phone), isNull(users.deletedAt));
      // One transaction of read-committed statements: the partial unique index on live
      // (tenant_id, phone) decides a race between first sign-ins. The user row is then locked
      // before the session is written, as every user-wide revocation locks it first, so the
      // two serialise: a revocation either sees this session and revokes it, or commits first
      // and this sign-in reads its outcome (a disabled user gets no session).
      const [inserted, [user], , firstToken] = await db.batch([
        db
          .insert(users)
          .values({ id: newUser.id, tenantId, phone, roles: [...newUser.roles], metadata: {}, createdAt: new Date() })
          .onConflictDoNothing({ target: [users.tenantId, users.phone], where: isNull(users.deletedAt) })
          .returning({ id: users.id }),
        db.select().from(users).where(livePhoneUser).limit(1).for("update"),
        insertSession(db, session, sql`tenant_id = ${tenantId} and phone = ${phone} and deleted_at is null`),
        insertFirstRefreshToken(db, session),
      ]);
      if (!user) throw new Error("the phone's user vanished inside its sign-in transaction");
      const record = toUserRecord(user);
      if (record.disabled !== (firstToken.rows.length === 0)) throw new Error("a sign-in saw its user's row change under the row lock");
      if (record.disabled) return { kind: "user_disabled", user: record };
      return { kind: "opened", user: record, created: inserted.length > 0 };
    },

    async openForEmail({ tenantId, email, newUser, session }) {
      // As openForPhone, keyed by the address: the live unique index on lower(email) decides a
      // race between first sign-ins, and the user row is locked before the session is written.
      // Only a verified address is signed into; an unverified claim was taken over before this.
      const liveVerified = sql`tenant_id = ${tenantId} and lower(email) = lower(${email}) and deleted_at is null and email_verified`;
      const [inserted, locked, , firstToken] = await db.batch([
        insertVerifiedEmailUser(db, { tenantId, email, newUser }),
        db.execute<{ id: string }>(sql`select id from users where ${liveVerified} limit 1 for update`),
        insertSession(db, session, liveVerified),
        insertFirstRefreshToken(db, session),
      ]);
      const userId = locked.rows[0]?.id;
      if (userId === undefined) return { kind: "user_gone" };
      const [row] = await db.select().from(users).where(eq(users.id, userId)).limit(1);
      if (!row) return { kind: "user_gone" };
      const record = toUserRecord(row);
      if (firstToken.rows.length === 0) return record.disabled ? { kind: "user_disabled", user: record } : { kind: "user_gone" };
      return { kind: "opened", user: record, created: inserted.rows.length > 0 };
    },

    async openForUser({ tenantId, userId, session }) {
      // The user row is locked before the session is written, as in openForPhone, so a
      // user-wide revocation either sees this session or commits first and is read here.
      const [[user], , firstToken] = await db.batch([
        db.select().from(users).where(and(eq(users.id, userId), eq(users.tenantId, tenantId), isNull(users.deletedAt))).limit(1).for("update"),
        insertSession(db, session, sql`id = ${userId} and tenant_id = ${tenantId} and deleted_at is null`),
        insertFirstRefreshToken(db, session),
      ]);
      if (!user) return { kind: "user_gone" };
      const record = toUserRecord(user);
      if (firstToken.rows.length === 0) return record.disabled ? { kind: "user_disabled", user: record } : { kind: "user_gone" };
      return { kind: "opened", user: record, created: false };
    },

    async find(id) {
      const [row] = await db.select().from(sessions).where(eq(sessions.id, id)).limit(1);
      return row ? { id: row.id, tenantId: row.tenantId, userId: row.userId, expiresAt: row.expiresAt, revokedAt: row.revokedAt, authTime: row.authTime, amr: row.amr as AmrValue[], clientId: row.clientId, scope: row.scope, browserSessionId: row.browserSessionId } : null;
    },

    async findByRefreshHash(tokenHash) {
      const [row] = await db
        .select({ session: sessions })
        .from(refreshTokens)
        .innerJoin(sessions, eq(sessions.id, refreshTokens.sessionId))
        .where(eq(refreshTokens.tokenHash, tokenHash))
        .limit(1);
      return row ? { id: row.session.id, tenantId: row.session.tenantId, userId: row.session.userId, expiresAt: row.session.expiresAt, revokedAt: row.session.revokedAt, authTime: row.session.authTime, amr: row.session.amr as AmrValue[], clientId: row.session.clientId } : null;
    },

    async listLive(userId, now) {
      const rows = await db
        .select({ id: sessions.id, createdAt: sessions.createdAt, lastUsedAt: sessions.lastUsedAt, ip: sessions.ip, userAgent: sessions.userAgent, amr: sessions.amr, browserSessionId: sessions.browserSessionId })
        .from(sessions)
        .where(and(eq(sessions.userId, userId), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .orderBy(desc(sessions.createdAt), desc(sessions.id));
      return rows;
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

    async forgetRetryCopies(createdBefore) {
      const cleared = await db
        .update(refreshTokens)
        .set({ sealedToken: null })
        .where(and(isNotNull(refreshTokens.sealedToken), lt(refreshTokens.createdAt, createdBefore)))
        .returning({ hash: refreshTokens.tokenHash });
      return cleared.length;
    },
  };
}

/** The session, for the live user `userMatch` finds, unless that user is disabled: then nothing is written. */
function insertSession(db: Database, session: NewSession, userMatch: SQL) {
  return db.execute(sql`
    insert into sessions (id, tenant_id, user_id, expires_at, ip, user_agent, amr, auth_time, client_id, browser_session_id, scope)
    select ${session.id}, tenant_id, id, ${session.expiresAt.toISOString()}::timestamptz, ${session.ip}, ${session.userAgent}, ${JSON.stringify(session.amr)}::jsonb, ${session.authTime.toISOString()}::timestamptz,
      ${session.clientId ?? null}, ${session.browserSessionId ?? null}, ${session.scope ?? null}
    from users where ${userMatch} and not disabled
  `);
}

/** The session's first refresh token, if the session was written; its row comes back when it was. */
function insertFirstRefreshToken(db: Database, session: NewSession) {
  return db.execute(sql`
    insert into refresh_tokens (token_hash, session_id, generation)
    select ${session.refreshTokenHash}, id, 1 from sessions where id = ${session.id}
    returning session_id
  `);
}

async function rotateOnce(db: Database, request: Parameters<SessionStore["rotate"]>[0]): Promise<RotationRow> {
  const now = request.now.toISOString();
  // The user's row is share-locked first, as every user-wide revocation locks it before its
  // sessions: a revocation or role change that committed first is read by the rotation, and
  // one still waiting sees this rotation's last_used_at once it commits. Taking the user
  // before the session rows keeps the lock order of revocations, so the two cannot deadlock.
  const [, result] = await db.batch([
    db.execute(sql`
      select u.id from users u
      where u.id = (select s.user_id from refresh_tokens rt join sessions s on s.id = rt.session_id where rt.token_hash = ${request.presentedHash})
      for share of u
    `),
    db.execute<RotationRow>(sql`
    with presented as (
      select rt.session_id, rt.generation, rt.spent_at, s.tenant_id, s.user_id, s.expires_at, s.revoked_at, s.auth_time, s.amr
      from refresh_tokens rt join sessions s on s.id = rt.session_id
      where rt.token_hash = ${request.presentedHash} and s.tenant_id = ${request.tenantId}
    ),
    live as (
      select * from presented where revoked_at is null and expires_at > ${now}::timestamptz
    ),
    spent as (
      -- A spent token's own retry copy is no longer needed: its predecessor's retries end here.
      update refresh_tokens set spent_at = ${now}::timestamptz, sealed_token = null
      where token_hash = ${request.presentedHash} and spent_at is null and exists (select 1 from live)
      returning session_id, generation
    ),
    retried as (
      -- A retry within the interval writes nothing: it is answered with the successor
      -- already installed (its sealed copy), so the session keeps one live refresh token
      -- and its rightful holder is never cut off. With no interval there are no retries,
      -- even for a racing request whose clock read came before the winner's spent_at
      -- (requests take their clocks from different isolates and machines).
      select rt.session_id, rt.sealed_token
      from refresh_tokens rt join live on rt.session_id = live.session_id and rt.generation = live.generation + 1
      where ${request.reuseIntervalSeconds}::int > 0
        and live.spent_at is not null
        and live.spent_at > ${now}::timestamptz - make_interval(secs => ${request.reuseIntervalSeconds}::int)
        and rt.spent_at is null and rt.sealed_token is not null
    ),
    successor as (
      insert into refresh_tokens (token_hash, session_id, generation, sealed_token)
      select ${request.successorHash}, session_id, generation + 1, ${request.successorSealed}::text from spent
      returning session_id
    ),
    extended as (
      -- Re-checked against a revocation that committed after this statement's snapshot: then
      -- nothing is extended and the rotation is answered as for a revoked session. The spent
      -- token and its successor stay behind, unusable, as the session is revoked.
      update sessions set expires_at = ${request.sessionExpiresAt.toISOString()}::timestamptz, last_used_at = ${now}::timestamptz
      where id in (select session_id from successor) and revoked_at is null
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
      -- The revoked session's retry copies are left to the cron: retries need a live session,
      -- and locking its other tokens here would take locks in the opposite order to a rotation.
      insert into revocation_outbox (id, kind, subject_id, at, expires_at)
      select gen_random_uuid()::text, 'session', id, ${now}::timestamptz, ${request.listExpiresAt.toISOString()}::timestamptz from reuse
      returning id
    )
    select
      (select count(*) from extended)::int as rotated,
      (select count(*) from retried)::int as retried,
      (select sealed_token from retried limit 1) as retry_sealed,
      (select count(*) from reuse)::int as reused,
      p.session_id, p.tenant_id, p.user_id, p.expires_at, p.revoked_at, p.auth_time, p.amr, (p.spent_at is not null) as snapshot_spent,
      u.roles as user_roles, u.disabled as user_disabled, u.deleted_at as user_deleted_at, u.tokens_valid_after as user_tokens_valid_after
    from (select 1) one left join presented p on true left join users u on u.id = p.user_id
  `),
  ]);
  const row = result.rows[0];
  if (!row) throw new Error("rotation statement returned no row");
  return row;
}

function toOutcome(row: RotationRow): RefreshOutcome {
  if (row.session_id === null || row.user_id === null || row.tenant_id === null || row.expires_at === null || row.auth_time === null || row.amr === null) return { kind: "invalid" };
  const session: SessionRecord = {
    id: row.session_id,
    tenantId: row.tenant_id,
    userId: row.user_id,
    expiresAt: new Date(row.expires_at),
    revokedAt: row.revoked_at === null ? null : new Date(row.revoked_at),
    authTime: new Date(row.auth_time),
    amr: row.amr,
  };
  const user: SessionUser = {
    id: row.user_id,
    tenantId: row.tenant_id,
    roles: row.user_roles ?? [],
    disabled: row.user_disabled ?? true,
    deleted: row.user_deleted_at !== null || row.user_disabled === null,
    tokensValidAfter: row.user_tokens_valid_after === null ? null : new Date(row.user_tokens_valid_after),
  };
  if (row.rotated > 0) return { kind: "rotated", session, user };
  if (row.retried > 0 && row.retry_sealed !== null) return { kind: "retried", session, user, sealedSuccessor: row.retry_sealed };
  if (row.reused > 0) return { kind: "reused", session };
  return { kind: "invalid" };
}
