import { and, eq, gt, isNull, lt } from "drizzle-orm";
import { upstreamRequests } from "../../../drizzle/schema";
import type { UpstreamRequestStore } from "../../ports/upstream-request-store";
import type { Database } from "./database";

export function neonUpstreamRequestStore(db: Database): UpstreamRequestStore {
  return {
    async create(request, now) {
      await db.insert(upstreamRequests).values({ ...request, createdAt: now });
    },
    async spend(stateHash, now) {
      // One conditional UPDATE: of two callbacks with one state, exactly one gets the row.
      const [row] = await db
        .update(upstreamRequests)
        .set({ spentAt: now })
        .where(and(eq(upstreamRequests.stateHash, stateHash), isNull(upstreamRequests.spentAt), gt(upstreamRequests.expiresAt, now)))
        .returning();
      if (!row) return null;
      return {
        stateHash: row.stateHash,
        tenantId: row.tenantId,
        connectionId: row.connectionId,
        browserBindingHash: row.browserBindingHash,
        nonceHash: row.nonceHash,
        sealedCodeVerifier: row.sealedCodeVerifier,
        purpose: row.purpose,
        userId: row.userId,
        returnTo: row.returnTo,
        expiresAt: row.expiresAt,
      };
    },
    async deleteExpired(before) {
      const deleted = await db.delete(upstreamRequests).where(lt(upstreamRequests.expiresAt, before)).returning({ stateHash: upstreamRequests.stateHash });
      return deleted.length;
    },
  };
}
