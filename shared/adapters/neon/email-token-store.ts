import { and, eq, gt, inArray, isNull, lt, sql } from "drizzle-orm";
import { emailTokens } from "../../../drizzle/schema";
import type { EmailTokenRecord, EmailTokenStore } from "../../ports/email-token-store";
import type { Database } from "./database";

export function neonEmailTokenStore(db: Database): EmailTokenStore {
  return {
    async issue(token, now) {
      await db.batch([
        db
          .update(emailTokens)
          .set({ usedAt: now })
          .where(
            and(
              eq(emailTokens.tenantId, token.tenantId),
              sql`lower(${emailTokens.email}) = lower(${token.email})`,
              eq(emailTokens.purpose, token.purpose),
              isNull(emailTokens.usedAt),
            ),
          ),
        db.insert(emailTokens).values({
          tokenHash: token.tokenHash,
          tenantId: token.tenantId,
          userId: token.userId,
          purpose: token.purpose,
          email: token.email,
          requestId: token.requestId,
          createdAt: now,
          expiresAt: token.expiresAt,
        }),
      ]);
    },

    async find(tokenHash, now) {
      const [row] = await db
        .select()
        .from(emailTokens)
        .where(and(eq(emailTokens.tokenHash, tokenHash), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)))
        .limit(1);
      return row ? toRecord(row) : null;
    },

    async consume(tokenHash, now, expected) {
      if (expected.purposes.length === 0) return null;
      // One conditional UPDATE: racing uses serialise on the row, and the loser's re-checked
      // `used_at is null` is false, so exactly one gets the row back.
      const [row] = await db
        .update(emailTokens)
        .set({ usedAt: now })
        .where(
          and(
            eq(emailTokens.tokenHash, tokenHash),
            isNull(emailTokens.usedAt),
            gt(emailTokens.expiresAt, now),
            inArray(emailTokens.purpose, [...expected.purposes]),
            expected.tenantId === undefined ? undefined : eq(emailTokens.tenantId, expected.tenantId),
          ),
        )
        .returning();
      return row ? toRecord(row) : null;
    },

    async spendForRequest(requestId, now) {
      const [row] = await db
        .update(emailTokens)
        .set({ usedAt: now })
        .where(and(eq(emailTokens.requestId, requestId), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)))
        .returning();
      return row ? toRecord(row) : null;
    },

    async deleteExpired(before) {
      const deleted = await db.delete(emailTokens).where(lt(emailTokens.expiresAt, before)).returning({ hash: emailTokens.tokenHash });
      return deleted.length;
    },
  };
}

function toRecord(row: typeof emailTokens.$inferSelect): EmailTokenRecord {
  return { tenantId: row.tenantId, userId: row.userId, purpose: row.purpose, email: row.email, requestId: row.requestId, expiresAt: row.expiresAt };
}
