import { and, eq, gt, lte, or, sql } from "drizzle-orm";
import { idempotencyKeys } from "../../../drizzle/schema";
import type { IdempotencyLifetimes, IdempotencyStore } from "../../ports/idempotency-store";
import type { Database } from "./database";

/** Times come from the database's clock, so every isolate judges expiry and abandonment alike. */
export function neonIdempotencyStore(db: Database, lifetimes: IdempotencyLifetimes): IdempotencyStore {
  const secondsFromNow = (seconds: number) => sql`now() + make_interval(secs => ${seconds})`;
  return {
    async claim(keyHash, fingerprint, claimId) {
      const fresh = {
        fingerprint,
        state: "in_progress" as const,
        claimId,
        lockedUntil: secondsFromNow(lifetimes.claimSeconds),
        responseStatus: null,
        sealedResponse: null,
        createdAt: sql`now()`,
        expiresAt: secondsFromNow(lifetimes.recordSeconds),
      };
      // One statement: Postgres locks a conflicting row and re-checks `setWhere` on its
      // latest version, so of several requests taking over one record exactly one gets a row back.
      const claimed = await db
        .insert(idempotencyKeys)
        .values({ keyHash, ...fresh })
        .onConflictDoUpdate({
          target: idempotencyKeys.keyHash,
          set: fresh,
          setWhere: or(lte(idempotencyKeys.expiresAt, sql`now()`), and(eq(idempotencyKeys.state, "in_progress"), lte(idempotencyKeys.lockedUntil, sql`now()`))),
        })
        .returning({ keyHash: idempotencyKeys.keyHash });
      return claimed.length > 0;
    },

    async find(keyHash) {
      const [row] = await db
        .select()
        .from(idempotencyKeys)
        .where(and(eq(idempotencyKeys.keyHash, keyHash), gt(idempotencyKeys.expiresAt, sql`now()`)))
        .limit(1);
      if (!row) return null;
      if (row.state === "completed" && row.responseStatus !== null && row.sealedResponse !== null) {
        return { state: "completed", fingerprint: row.fingerprint, response: { status: row.responseStatus, sealed: row.sealedResponse } };
      }
      return { state: "in_progress", fingerprint: row.fingerprint };
    },

    async complete(keyHash, claimId, response) {
      const updated = await db
        .update(idempotencyKeys)
        .set({ state: "completed", responseStatus: response.status, sealedResponse: response.sealed })
        .where(and(eq(idempotencyKeys.keyHash, keyHash), eq(idempotencyKeys.claimId, claimId), eq(idempotencyKeys.state, "in_progress")))
        .returning({ keyHash: idempotencyKeys.keyHash });
      return updated.length > 0;
    },

    async release(keyHash, claimId) {
      await db.delete(idempotencyKeys).where(and(eq(idempotencyKeys.keyHash, keyHash), eq(idempotencyKeys.claimId, claimId), eq(idempotencyKeys.state, "in_progress")));
    },

    async purgeExpired() {
      const result = await db.execute<{ purged: number }>(sql`
        with purged as (delete from idempotency_keys where expires_at <= now() returning 1)
        select count(*)::int as purged from purged
      `);
      return result.rows[0]?.purged ?? 0;
    },
  };
}
