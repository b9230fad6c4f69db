import { and, asc, eq } from "drizzle-orm";
import { identities } from "../../../drizzle/schema";
import type { IdentityStore, LinkedIdentity } from "../../ports/identity-store";
import type { Database } from "./database";

type Row = typeof identities.$inferSelect;

function toLinked(row: Row & { connectionId: string }): LinkedIdentity {
  return { id: row.id, tenantId: row.tenantId, userId: row.userId, connectionId: row.connectionId, provider: row.provider, subject: row.subject, email: row.email, emailVerified: row.emailVerified, linkedAt: row.linkedAt };
}

function linkedRows(rows: Row[]): LinkedIdentity[] {
  return rows.flatMap((row) => (row.connectionId === null ? [] : [toLinked({ ...row, connectionId: row.connectionId })]));
}

export function neonIdentityStore(db: Database): IdentityStore {
  return {
    async listForUser(userId) {
      return db
        .select({ provider: identities.provider, email: identities.email, linkedAt: identities.linkedAt })
        .from(identities)
        .where(eq(identities.userId, userId))
        .orderBy(asc(identities.linkedAt), asc(identities.id));
    },
    async listLinked(userId) {
      return linkedRows(await db.select().from(identities).where(eq(identities.userId, userId)).orderBy(asc(identities.linkedAt), asc(identities.id)));
    },
    async findBySubject(tenantId, connectionId, subject) {
      const rows = await db
        .select()
        .from(identities)
        .where(and(eq(identities.tenantId, tenantId), eq(identities.connectionId, connectionId), eq(identities.subject, subject)))
        .limit(1);
      return linkedRows(rows)[0] ?? null;
    },
    async link(identity, now) {
      // The unique (tenant, connection, subject) index decides a race: the loser inserts nothing.
      const inserted = await db
        .insert(identities)
        .values({ ...identity, linkedAt: now })
        .onConflictDoNothing()
        .returning({ id: identities.id });
      return inserted.length > 0 ? "linked" : "taken";
    },
    async refresh(id, changes) {
      await db
        .update(identities)
        .set({ email: changes.email, emailVerified: changes.emailVerified, ...(changes.sealedTokens === undefined ? {} : { sealedTokens: changes.sealedTokens }) })
        .where(eq(identities.id, id));
    },
    async unlink(userId, identityId) {
      const removed = await db.delete(identities).where(and(eq(identities.id, identityId), eq(identities.userId, userId))).returning({ id: identities.id });
      return removed.length > 0;
    },
  };
}
