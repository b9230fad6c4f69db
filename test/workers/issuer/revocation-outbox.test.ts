/**
 * The revocation outbox against the real Postgres stand-in: what a revocation
 * queues, and how drains publish it. The Upstash list is replaced by a recorder,
 * so the order and number of publishes can be read back.
 */
import { env } from "cloudflare:workers";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { createDatabase } from "../../../shared/adapters/neon/database";
import type { RevocationList } from "../../../shared/ports/revocation-list";
import type { OutboxEntry } from "../../../shared/ports/revocation-store";
import { issuerDeps } from "../../../workers/issuer/deps";
import { CRON_DRAIN_BUDGET_MS, drainRevocationOutbox, OUTBOX_BATCH } from "../../../workers/issuer/services/revocation-publisher";
import { revocationListExpiry, revokeSession } from "../../../workers/issuer/services/revoke";
import { createTenant, decodeJwtPart, issuerFetch, signIn } from "./support/issuer-client";

const deps = issuerDeps(env);
const db = createDatabase({ url: env.DATABASE_URL, fetchEndpoint: env.NEON_FETCH_ENDPOINT });

function recordingList(): RevocationList & { calls: OutboxEntry[][] } {
  const calls: OutboxEntry[][] = [];
  return {
    calls,
    publish: (entries) => {
      calls.push([...entries]);
      return Promise.resolve();
    },
  };
}

let backlogPrefix = "";

/**
 * Queues `count` session revocations of nobody, older than anything a test queues itself
 * and than whatever other test files left queued during a long run (Upstash stopped).
 */
async function queueBacklog(count: number): Promise<string> {
  backlogPrefix = `backlog-${crypto.randomUUID()}-`;
  await db.execute(sql`
    insert into revocation_outbox (id, kind, subject_id, at, expires_at, created_at)
    select ${backlogPrefix} || g, 'session', 'ses_backlog' || g, now(), now() + interval '1 hour', now() - interval '1 day'
    from generate_series(1, ${count}::int) as g
  `);
  return backlogPrefix;
}

afterEach(async () => {
  if (backlogPrefix !== "") await db.execute(sql`delete from revocation_outbox where id like ${`${backlogPrefix}%`}`);
  backlogPrefix = "";
});

async function userOf(token: string): Promise<{ userId: string; sessionIds: string[] }> {
  const userId = decodeJwtPart(token, 1).sub as string;
  const sessions = await db.execute<{ id: string }>(sql`select id from sessions where user_id = ${userId} order by id`);
  return { userId, sessionIds: sessions.rows.map((row) => row.id) };
}

describe("what a revocation queues", () => {
  it("a user-wide revocation queues only the user mark, however many sessions the user has", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    await signIn(tenant, first.phone);
    await signIn(tenant, first.phone);
    const { userId, sessionIds } = await userOf(first.token);
    expect(sessionIds).toHaveLength(3);
    await db.execute(sql`update sessions set created_at = now() - interval '10 minutes', last_used_at = now() - interval '5 minutes' where user_id = ${userId}`);

    const now = new Date();
    const result = await deps.revocations.revokeUser(userId, "logout_all", now, revocationListExpiry(now));
    expect(result?.sessionsRevoked).toBe(3);
    const queued = await db.execute<{ id: string; kind: string; subject_id: string }>(sql`
      select id, kind, subject_id from revocation_outbox where subject_id in (${userId}, ${sessionIds[0]}, ${sessionIds[1]}, ${sessionIds[2]})
    `);
    expect(queued.rows.map((row) => ({ kind: row.kind, subject: row.subject_id }))).toEqual([{ kind: "user", subject: userId }]);
    expect(result?.outboxIds).toEqual([queued.rows[0]?.id]);
    await db.execute(sql`delete from revocation_outbox where subject_id = ${userId}`);
  });

  it("a sign-in or refresh that raced the mark gets an entry of its own, since its token may be stamped after the mark", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    const raced = await signIn(tenant, first.phone);
    const { userId, sessionIds } = await userOf(first.token);
    const racedSession = decodeJwtPart(raced.token, 1).sid as string;
    const older = sessionIds.find((id) => id !== racedSession) ?? "";
    await db.execute(sql`update sessions set created_at = now() - interval '10 minutes', last_used_at = now() - interval '5 minutes' where id = ${older}`);

    // The revoking request took its clock before the racing sign-in stamped its token.
    const at = new Date(Date.now() - 2_000);
    const result = await deps.revocations.revokeUser(userId, "logout_all", at, revocationListExpiry(at));
    expect(result?.sessionsRevoked).toBe(2);
    const queued = await db.execute<{ kind: string; subject_id: string }>(sql`
      select kind, subject_id from revocation_outbox where subject_id in (${userId}, ${older}, ${racedSession}) order by kind
    `);
    expect(queued.rows.map((row) => ({ kind: row.kind, subject: row.subject_id }))).toEqual([
      { kind: "session", subject: racedSession },
      { kind: "user", subject: userId },
    ]);
    expect(result?.outboxIds).toHaveLength(2);
    await db.execute(sql`delete from revocation_outbox where subject_id in (${userId}, ${racedSession})`);
  });

  it("a user-wide revocation leaves expired sessions alone and counts only live ones", async () => {
    const tenant = await createTenant();
    const first = await signIn(tenant);
    await signIn(tenant, first.phone);
    const { userId, sessionIds } = await userOf(first.token);
    const expired = sessionIds[0] ?? "";
    await db.execute(sql`update sessions set expires_at = now() - interval '1 day' where id = ${expired}`);

    const now = new Date();
    expect((await deps.revocations.revokeUser(userId, "revoke_sessions", now, revocationListExpiry(now)))?.sessionsRevoked).toBe(1);
    const untouched = await db.execute<{ revoked_at: unknown }>(sql`select revoked_at from sessions where id = ${expired}`);
    expect(untouched.rows[0]?.revoked_at).toBeNull();
    await db.execute(sql`delete from revocation_outbox where subject_id = ${userId}`);
  });
});

describe("draining the outbox", () => {
  it("a logout behind another user's backlog publishes its own entry first", async () => {
    await queueBacklog(2 * OUTBOX_BATCH + 50);
    const session = await signIn(await createTenant());
    const sid = decodeJwtPart(session.token, 1).sid as string;
    const list = recordingList();

    expect(await revokeSession({ ...deps, revocationList: list }, sid, "logout", new Date())).toBe(true);
    expect(list.calls[0]?.map((entry) => entry.subjectId)).toEqual([sid]);
  });

  it("concurrent drains never publish the same entry twice", async () => {
    const prefix = await queueBacklog(2 * OUTBOX_BATCH + 50);
    const list = recordingList();
    await Promise.all(Array.from({ length: 4 }, () => drainRevocationOutbox(deps.revocations, list, deps.logger, { budgetMs: CRON_DRAIN_BUDGET_MS })));
    const published = list.calls.flat().map((entry) => entry.id).filter((id) => id.startsWith(prefix));
    expect(published).toHaveLength(2 * OUTBOX_BATCH + 50);
    expect(new Set(published).size).toBe(published.length);
  });

  it("the cron's drain keeps publishing batches until the backlog is gone", async () => {
    const prefix = await queueBacklog(2 * OUTBOX_BATCH + 50);
    const list = recordingList();
    await drainRevocationOutbox(deps.revocations, list, deps.logger, { budgetMs: CRON_DRAIN_BUDGET_MS });
    const left = await db.execute<{ n: number }>(sql`select count(*)::int as n from revocation_outbox where id like ${`${prefix}%`}`);
    expect(left.rows[0]?.n).toBe(0);
  });

  it("a drain out of time starts no new batch", async () => {
    const prefix = await queueBacklog(2 * OUTBOX_BATCH + 50);
    const list = recordingList();
    let clock = 0;
    const now = () => clock;
    const timed: RevocationList = {
      publish: async (entries) => {
        clock += 600;
        await list.publish(entries);
      },
    };
    await drainRevocationOutbox(deps.revocations, timed, deps.logger, { budgetMs: 1_000, now });
    // Batches start at 0 and 600; the one that would start at 1,200 does not.
    expect(list.calls.flat().filter((entry) => entry.id.startsWith(prefix))).toHaveLength(2 * OUTBOX_BATCH);
  });

  it("a failed publish releases its rows, so the next drain retries them at once", async () => {
    const prefix = await queueBacklog(10);
    const failing: RevocationList = { publish: () => Promise.reject(new Error("upstash down")) };
    expect((await drainRevocationOutbox(deps.revocations, failing, deps.logger)).published).toBe(0);
    const list = recordingList();
    await drainRevocationOutbox(deps.revocations, list, deps.logger);
    expect(list.calls.flat().filter((entry) => entry.id.startsWith(prefix))).toHaveLength(10);
  });
});

describe("GET /health", () => {
  it("reports how many revocations wait for Upstash and how old the oldest is", async () => {
    const prefix = await queueBacklog(1);
    await db.execute(sql`update revocation_outbox set created_at = now() - interval '5 minutes' where id like ${`${prefix}%`}`);
    const response = await issuerFetch("/health");
    const body = await response.json<{ revocation_outbox: { pending: number; oldest_age_seconds: number } }>();
    expect(body.revocation_outbox.pending).toBeGreaterThanOrEqual(1);
    expect(body.revocation_outbox.oldest_age_seconds).toBeGreaterThanOrEqual(300);
  });
});
