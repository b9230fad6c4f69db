/**
 * Drives exact interleavings of a refresh with a logout-all, and with a replay of an older
 * token of the same session. First, one interleaving of a refresh and a logout-all on a real PostgreSQL, through
 * the product's adapters and the Neon stand-in: the refresh starts first and is held inside
 * its statement, with the presented token spent and before its successor is written (a third
 * session holds an uncommitted refresh-token row with the successor's hash); then the
 * logout-all runs, and the refresh is let go. The session was last used long ago, so only a
 * rotation the logout-all sees gets a session entry of its own. The scenario waits on
 * Postgres's own view of who is blocked, never on a timer.
 */
import { randomBytes } from "node:crypto";
import { neonRevocationStore } from "../../../shared/adapters/neon/revocation-store";
import { neonSessionStore } from "../../../shared/adapters/neon/session-store";
import type { RefreshOutcome } from "../../../shared/ports/session-store";
import { startInterleavingStack } from "./interleaving-stack";

export interface RefreshInterleavingResult {
  /** What the racing refresh answered. */
  readonly refresh: RefreshOutcome["kind"];
  /** What a refresh with the racing refresh's successor answers afterwards. */
  readonly successorRefresh: RefreshOutcome["kind"];
  /** Whether the session is live once both have committed. */
  readonly sessionLive: boolean;
  /** Whether the session got a revocation entry of its own. */
  readonly sessionEntryQueued: boolean;
  /** Whether the logout-all finished while the refresh was still held. */
  readonly revocationFinishedFirst: boolean;
}

const HOUR = 3_600_000;

export async function logoutAllDuringRefresh(serverUrl: string): Promise<RefreshInterleavingResult> {
  const stack = await startInterleavingStack(serverUrl);
  const { db, observer, blocker } = stack;
  try {
    const sessions = neonSessionStore(db);
    const revocations = neonRevocationStore(db);
    const presentedHash = randomBytes(32).toString("hex");
    const opened = await sessions.openForPhone({
      tenantId: "tn_race",
      phone: "+447700900123",
      newUser: { id: `usr_${randomBytes(8).toString("hex")}`, roles: ["user"] },
      session: { id: "ses_race", refreshTokenHash: presentedHash, expiresAt: new Date(Date.now() + HOUR), ip: null, userAgent: null, amr: ["sms"], authTime: new Date() },
    });
    await observer.query(`update sessions set created_at = now() - interval '10 minutes', last_used_at = now() - interval '5 minutes'`);
    const rotate = (hash: string, successorHash: string) => {
      const now = new Date();
      return sessions.rotate({
        presentedHash: hash,
        successorHash,
        successorSealed: null,
        tenantId: "tn_race",
        reuseIntervalSeconds: 0,
        now,
        sessionExpiresAt: new Date(now.getTime() + HOUR),
        listExpiresAt: new Date(now.getTime() + HOUR),
      });
    };

    const lockWaiters = async () =>
      Number((await observer.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]?.n ?? 0);
    let settled = false;
    const waitForWaiters = async (count: number) => {
      while (!settled && (await lockWaiters()) < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    const successorHash = randomBytes(32).toString("hex");
    await blocker.query("begin");
    await blocker.query(`insert into refresh_tokens (token_hash, session_id, generation) values ($1, 'ses_race', 99)`, [successorHash]);
    const refresh = rotate(presentedHash, successorHash);
    await waitForWaiters(1);
    const now = new Date();
    const revocation = revocations.revokeUser(opened.user.id, "logout_all", now, new Date(now.getTime() + HOUR));
    const first = await Promise.race([revocation.then(() => "revocation" as const), waitForWaiters(2).then(() => "waiting" as const)]);
    settled = true;
    await blocker.query("rollback");
    const [outcome] = await Promise.all([refresh, revocation]);
    const successorRefresh = await rotate(successorHash, randomBytes(32).toString("hex"));

    const session = await observer.query<{ revoked_at: Date | null }>(`select revoked_at from sessions where id = 'ses_race'`);
    const entries = await observer.query<{ id: string }>(`select id from revocation_outbox where kind = 'session' and subject_id = 'ses_race'`);
    return {
      refresh: outcome.kind,
      successorRefresh: successorRefresh.kind,
      sessionLive: session.rows[0]?.revoked_at === null,
      sessionEntryQueued: entries.rows.length > 0,
      revocationFinishedFirst: first === "revocation",
    };
  } finally {
    await stack.close();
  }
}

export interface ReplayInterleavingResult {
  /** What the refresh with the live token answered, or the error it failed with. */
  readonly refresh: string;
  /** What the replay of the older token answered, or the error it failed with. */
  readonly replay: string;
  readonly sessionLive: boolean;
}

/**
 * A refresh with the live token is held with that token spent (its row locked) and before it
 * extends the session; then an older, long-spent token of the session is replayed, which
 * revokes the session; then the refresh is let go.
 */
export async function replayDuringRefresh(serverUrl: string): Promise<ReplayInterleavingResult> {
  const stack = await startInterleavingStack(serverUrl);
  const { db, observer, blocker } = stack;
  try {
    const sessions = neonSessionStore(db);
    const oldHash = randomBytes(32).toString("hex");
    await sessions.openForPhone({
      tenantId: "tn_race",
      phone: "+447700900123",
      newUser: { id: `usr_${randomBytes(8).toString("hex")}`, roles: ["user"] },
      session: { id: "ses_race", refreshTokenHash: oldHash, expiresAt: new Date(Date.now() + HOUR), ip: null, userAgent: null, amr: ["sms"], authTime: new Date() },
    });
    const rotate = (hash: string, successorHash: string) => {
      const now = new Date();
      return sessions.rotate({
        presentedHash: hash,
        successorHash,
        successorSealed: "v2.sealed.copy",
        tenantId: "tn_race",
        reuseIntervalSeconds: 10,
        now,
        sessionExpiresAt: new Date(now.getTime() + HOUR),
        listExpiresAt: new Date(now.getTime() + HOUR),
      });
    };
    const liveHash = randomBytes(32).toString("hex");
    if ((await rotate(oldHash, liveHash)).kind !== "rotated") throw new Error("the first rotation did not rotate");
    // The old token was spent long ago: presenting it again is a replay, not a retry.
    await observer.query(`update refresh_tokens set spent_at = now() - interval '10 minutes' where token_hash = $1`, [oldHash]);

    const lockWaiters = async () =>
      Number((await observer.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]?.n ?? 0);
    let settled = false;
    const waitForWaiters = async (count: number) => {
      while (!settled && (await lockWaiters()) < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };
    const answer = (outcome: Promise<RefreshOutcome>) =>
      outcome.then(
        (value) => value.kind,
        (error: unknown) => (error instanceof Error ? error.message : String(error)),
      );

    const successorHash = randomBytes(32).toString("hex");
    await blocker.query("begin");
    await blocker.query(`insert into refresh_tokens (token_hash, session_id, generation) values ($1, 'ses_race', 99)`, [successorHash]);
    const refresh = answer(rotate(liveHash, successorHash));
    await waitForWaiters(1);
    const replay = answer(rotate(oldHash, randomBytes(32).toString("hex")));
    await Promise.race([replay, waitForWaiters(2)]);
    settled = true;
    await blocker.query("rollback");
    const [refreshAnswer, replayAnswer] = await Promise.all([refresh, replay]);
    const session = await observer.query<{ revoked_at: Date | null }>(`select revoked_at from sessions where id = 'ses_race'`);
    return { refresh: refreshAnswer, replay: replayAnswer, sessionLive: session.rows[0]?.revoked_at === null };
  } finally {
    await stack.close();
  }
}
