import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { webauthnChallenges } from "../../../drizzle/schema";
import type { WebauthnChallengeStore } from "../../ports/webauthn-challenge-store";
import type { Database } from "./database";

export function neonWebauthnChallengeStore(db: Database): WebauthnChallengeStore {
  return {
    async issue(challenge, now) {
      await db.insert(webauthnChallenges).values({ ...challenge, createdAt: now });
    },

    async spend(id, expected, now) {
      // One conditional UPDATE: racing uses serialise on the row, and the loser's re-checked
      // `used_at is null` is false, so exactly one gets the challenge back.
      const [row] = await db
        .update(webauthnChallenges)
        .set({ usedAt: now })
        .where(
          and(
            eq(webauthnChallenges.id, id),
            eq(webauthnChallenges.tenantId, expected.tenantId),
            eq(webauthnChallenges.purpose, expected.purpose),
            isNull(webauthnChallenges.usedAt),
            gt(webauthnChallenges.expiresAt, now),
          ),
        )
        .returning({ userId: webauthnChallenges.userId, challenge: webauthnChallenges.challenge });
      return row ?? null;
    },

    async deleteExpired(before) {
      const deleted = await db.delete(webauthnChallenges).where(lt(webauthnChallenges.expiresAt, before)).returning({ id: webauthnChallenges.id });
      return deleted.length;
    },
  };
}
