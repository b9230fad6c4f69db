/**
 * Drives one exact interleaving of a sign-in and a user-wide revocation on a real
 * PostgreSQL, through the product's adapters and the Neon stand-in: the sign-in
 * starts first and is held inside its transaction, after its session is written and
 * before it commits (a third session holds an uncommitted refresh-token row with the
 * hash the sign-in is about to insert); then the revocation runs, and the sign-in is
 * let go. Only the row locks decide what happens; the scenario waits on Postgres's
 * own view of who is blocked, never on a timer.
 */
import { randomBytes } from "node:crypto";
import { neonRevocationStore } from "../../../shared/adapters/neon/revocation-store";
import { neonSessionStore } from "../../../shared/adapters/neon/session-store";
import type { UserRevocation } from "../../../shared/ports/revocation-store";
import type { PhoneSignInOutcome } from "../../../shared/ports/session-store";
import { startInterleavingStack } from "./interleaving-stack";

export interface InterleavingResult {
  /** What the racing sign-in answered. */
  readonly signIn: PhoneSignInOutcome;
  /** Whether the racing sign-in's session is live once both have committed. */
  readonly signInSessionLive: boolean;
  /** Sessions of the user still live once both have committed. */
  readonly liveSessions: number;
  /** Whether the revocation finished while the sign-in was still held. */
  readonly revocationFinishedFirst: boolean;
}

const HOUR = 3_600_000;

export async function revocationDuringSignIn(serverUrl: string, change: UserRevocation): Promise<InterleavingResult> {
  const stack = await startInterleavingStack(serverUrl);
  const { db, observer, blocker } = stack;
  try {
    const sessions = neonSessionStore(db);
    const revocations = neonRevocationStore(db);
    const signInAs = (sessionId: string, refreshTokenHash: string) =>
      sessions.openForPhone({
        tenantId: "tn_race",
        phone: "+447700900123",
        newUser: { id: `usr_${randomBytes(8).toString("hex")}`, roles: ["user"] },
        session: { id: sessionId, refreshTokenHash, expiresAt: new Date(Date.now() + HOUR), ip: null, userAgent: null, amr: ["sms"], authTime: new Date() },
      });
    const first = await signInAs("ses_first", randomBytes(32).toString("hex"));
    const userId = first.user.id;

    const lockWaiters = async () =>
      Number((await observer.query<{ n: string }>(`select count(*) as n from pg_stat_activity where datname = current_database() and wait_event_type = 'Lock'`)).rows[0]?.n ?? 0);
    let settled = false;
    const waitForWaiters = async (count: number) => {
      while (!settled && (await lockWaiters()) < count) await new Promise((resolve) => setTimeout(resolve, 10));
    };

    const heldHash = randomBytes(32).toString("hex");
    await blocker.query("begin");
    await blocker.query(`insert into refresh_tokens (token_hash, session_id, generation) values ($1, 'ses_first', 99)`, [heldHash]);
    const signIn = signInAs("ses_racing", heldHash);
    await waitForWaiters(1);
    const now = new Date();
    const revocation = revocations.revokeUser(userId, change, now, new Date(now.getTime() + HOUR));
    const first_ = await Promise.race([revocation.then(() => "revocation" as const), waitForWaiters(2).then(() => "waiting" as const)]);
    settled = true;
    await blocker.query("rollback");
    const [outcome] = await Promise.all([signIn, revocation]);

    const live = await observer.query<{ id: string }>(`select id from sessions where user_id = $1 and revoked_at is null`, [userId]);
    return {
      signIn: outcome,
      signInSessionLive: live.rows.some((row) => row.id === "ses_racing"),
      liveSessions: live.rows.length,
      revocationFinishedFirst: first_ === "revocation",
    };
  } finally {
    await stack.close();
  }
}
