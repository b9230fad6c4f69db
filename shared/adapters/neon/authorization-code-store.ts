import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { authorizationCodes } from "../../../drizzle/schema";
import type { AmrValue } from "../../domain/authentication-methods";
import type { AuthorizationCodeRecord, AuthorizationCodeStore } from "../../ports/authorization-code-store";
import type { Database } from "./database";

export function neonAuthorizationCodeStore(db: Database): AuthorizationCodeStore {
  return {
    async insert(code, now) {
      await db.insert(authorizationCodes).values({ ...code, amr: [...code.amr], createdAt: now });
    },

    async spend(codeHash, now) {
      // One conditional UPDATE: of two racing uses, the loser re-checks `used_at is null` after the
      // winner's write and gets no row.
      const [row] = await db
        .update(authorizationCodes)
        .set({ usedAt: now })
        .where(and(eq(authorizationCodes.codeHash, codeHash), isNull(authorizationCodes.usedAt), gt(authorizationCodes.expiresAt, now)))
        .returning();
      if (row) return { outcome: "spent", code: toRecord(row) };
      const [used] = await db
        .select({ tenantId: authorizationCodes.tenantId, usedAt: authorizationCodes.usedAt, issuedSessionId: authorizationCodes.issuedSessionId })
        .from(authorizationCodes)
        .where(eq(authorizationCodes.codeHash, codeHash))
        .limit(1);
      return used?.usedAt ? { outcome: "replayed", tenantId: used.tenantId, issuedSessionId: used.issuedSessionId } : { outcome: "unknown" };
    },

    async recordIssuedSession(codeHash, sessionId) {
      await db.update(authorizationCodes).set({ issuedSessionId: sessionId }).where(eq(authorizationCodes.codeHash, codeHash));
    },

    async deleteExpired(before) {
      const deleted = await db.delete(authorizationCodes).where(lt(authorizationCodes.expiresAt, before)).returning({ hash: authorizationCodes.codeHash });
      return deleted.length;
    },
  };
}

function toRecord(row: typeof authorizationCodes.$inferSelect): AuthorizationCodeRecord {
  return {
    codeHash: row.codeHash,
    tenantId: row.tenantId,
    clientId: row.clientId,
    userId: row.userId,
    browserSessionId: row.browserSessionId,
    redirectUri: row.redirectUri,
    codeChallenge: row.codeChallenge,
    nonce: row.nonce,
    scope: row.scope,
    authTime: row.authTime,
    // Written only from AmrValue[] by `insert`.
    amr: row.amr as AmrValue[],
    expiresAt: row.expiresAt,
  };
}
