import { and, eq, isNull, lt } from "drizzle-orm";
import { consoleSessions } from "../../../drizzle/schema";
import type { ConsoleSessionStore } from "../../ports/console-session-store";
import type { Database } from "./database";

export function neonConsoleSessionStore(db: Database): ConsoleSessionStore {
  return {
    async open(session, now) {
      await db.insert(consoleSessions).values({ ...session, createdAt: now, lastSeenAt: now });
    },

    async find(tokenHash) {
      const [row] = await db.select().from(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash)).limit(1);
      if (row === undefined) return null;
      return { id: row.id, adminTokenTag: row.adminTokenTag, createdAt: row.createdAt, lastSeenAt: row.lastSeenAt, expiresAt: row.expiresAt, endedAt: row.endedAt };
    },

    async touch(id, now) {
      await db.update(consoleSessions).set({ lastSeenAt: now }).where(and(eq(consoleSessions.id, id), isNull(consoleSessions.endedAt)));
    },

    async end(id, now) {
      await db.update(consoleSessions).set({ endedAt: now }).where(and(eq(consoleSessions.id, id), isNull(consoleSessions.endedAt)));
    },

    async prune(now) {
      const deleted = await db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now)).returning({ id: consoleSessions.id });
      return deleted.length;
    },
  };
}
