import { and, asc, eq, gt, isNull, sql } from "drizzle-orm";
import { browserSessions, sessions, users } from "../../../drizzle/schema";
import type { AmrValue } from "../../domain/authentication-methods";
import type { BrowserSessionStore } from "../../ports/browser-session-store";
import type { Database } from "./database";

export function neonBrowserSessionStore(db: Database): BrowserSessionStore {
  return {
    async open(session, now) {
      await db.batch([
        db.insert(browserSessions).values({
          idHash: session.idHash,
          tenantId: session.tenantId,
          userId: session.userId,
          authTime: session.authTime,
          amr: [...session.amr],
          createdAt: now,
          lastUsedAt: now,
          expiresAt: session.expiresAt,
        }),
        db.update(sessions).set({ browserSessionId: session.idHash }).where(and(eq(sessions.id, session.sessionId), eq(sessions.userId, session.userId))),
      ]);
    },

    async attach(idHash, sessionId) {
      await db.update(sessions).set({ browserSessionId: idHash }).where(eq(sessions.id, sessionId));
    },

    async findLive(idHash, now) {
      const [row] = await db
        .select({ idHash: browserSessions.idHash, tenantId: browserSessions.tenantId, userId: browserSessions.userId, authTime: browserSessions.authTime, amr: browserSessions.amr })
        .from(browserSessions)
        .innerJoin(users, eq(users.id, browserSessions.userId))
        .where(
          and(
            eq(browserSessions.idHash, idHash),
            isNull(browserSessions.revokedAt),
            gt(browserSessions.expiresAt, now),
            eq(users.disabled, false),
            sql`exists (select 1 from ${sessions} where ${sessions.browserSessionId} = ${browserSessions.idHash} and ${sessions.revokedAt} is null and ${sessions.expiresAt} > ${now.toISOString()}::timestamptz)`,
          ),
        )
        .limit(1);
      return row === undefined ? null : { idHash: row.idHash, tenantId: row.tenantId, userId: row.userId, authTime: row.authTime, amr: row.amr as AmrValue[] };
    },

    async liveSessionIds(idHash, now) {
      const live = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.browserSessionId, idHash), isNull(sessions.revokedAt), gt(sessions.expiresAt, now)))
        .orderBy(asc(sessions.createdAt), asc(sessions.id));
      return live.map((row) => row.id);
    },

    async end(idHash, now) {
      await db.update(browserSessions).set({ revokedAt: now }).where(and(eq(browserSessions.idHash, idHash), isNull(browserSessions.revokedAt)));
      const live = await db
        .select({ id: sessions.id })
        .from(sessions)
        .where(and(eq(sessions.browserSessionId, idHash), isNull(sessions.revokedAt)));
      return live.map((row) => row.id);
    },
  };
}
