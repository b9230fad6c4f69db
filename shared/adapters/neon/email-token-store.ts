import { and, eq, gt, isNull, lt, sql } from "drizzle-orm";
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

    async consume(tokenHash, now) {
      // One conditional UPDATE: racing uses serialise on the row, and the loser's re-checked
      // `used_at is null` is false, so exactly one gets the row back.
      const [row] = await db
        .update(emailTokens)
        .set({ usedAt: now })
        .where(and(eq(emailTokens.tokenHash, tokenHash), isNull(emailTokens.usedAt), gt(emailTokens.expiresAt, now)))
        .returning();
      return row ? toRecord(row) : null;
    },

    async spendForRequest(requestId, now) {
      await db
        .update(emailTokens)
        .set({ usedAt: now })
        .where(and(eq(emailTokens.requestId, requestId), isNull(emailTokens.usedAt)));
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
