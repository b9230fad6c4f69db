import { and, eq, isNull, sql } from "drizzle-orm";
import { users } from "../../../drizzle/schema";
import type { AccountCredential, AccountStore } from "../../ports/account-store";
import type { Database } from "./database";
import { isUniqueViolation } from "./constraint-violation";
import { toUserRecord } from "./user-repository";

/** The live case-insensitive unique index on (tenant, address); see drizzle/schema.ts. */
const EMAIL_INDEX = "users_tenant_email_live_idx";

export function neonAccountStore(db: Database): AccountStore {
  return {
    async findByEmail(tenantId, email) {
      const [row] = await db
        .select()
        .from(users)
        .where(and(eq(users.tenantId, tenantId), sql`lower(${users.email}) = lower(${email})`, isNull(users.deletedAt)))
        .limit(1);
      return row ? toCredential(row) : null;
    },

    async findCredential(userId) {
      const [row] = await db.select().from(users).where(and(eq(users.id, userId), isNull(users.deletedAt))).limit(1);
      return row ? toCredential(row) : null;
    },

    async createWithPassword(user) {
      try {
        const [row] = await db
          .insert(users)
          .values({
            id: user.id,
            tenantId: user.tenantId,
            email: user.email,
            emailVerified: user.emailVerified,
            passwordHash: user.passwordHash,
            roles: [...user.roles],
            metadata: {},
          })
          .returning();
        if (!row) throw new Error("a user insert returned no row");
        return { kind: "created", user: toUserRecord(row) };
      } catch (error) {
        if (isUniqueViolation(error, EMAIL_INDEX)) return { kind: "email_taken" };
        throw error;
      }
    },

    async replacePasswordHash(userId, expected, next) {
      const unchanged = expected === null ? isNull(users.passwordHash) : eq(users.passwordHash, expected);
      const written = await db
        .update(users)
        .set({ passwordHash: next, updatedAt: new Date() })
        .where(and(eq(users.id, userId), isNull(users.deletedAt), unchanged))
        .returning({ id: users.id });
      return written.length > 0;
    },

    async markEmailVerified(userId, email) {
      const [row] = await db
        .update(users)
        .set({ emailVerified: true, updatedAt: new Date() })
        .where(and(eq(users.id, userId), isNull(users.deletedAt), sql`lower(${users.email}) = lower(${email})`))
        .returning();
      return row ? toUserRecord(row) : null;
    },

    async claimUnverifiedEmail(userId, email) {
      // One statement: the old row is read under the update's own row lock, so a password set
      // while the address was unverified is dropped exactly when this claim verifies it.
      const result = await db.execute<{ id: string; password_dropped: boolean }>(sql`
        with before as (
          select id, password_hash is not null and not email_verified as password_dropped
          from users where id = ${userId} and deleted_at is null and lower(email) = lower(${email})
          for update
        )
        update users set
          email_verified = true,
          password_hash = case when before.password_dropped then null else users.password_hash end,
          updated_at = now()
        from before where users.id = before.id
        returning users.id, before.password_dropped
      `);
      const claimed = result.rows[0];
      if (!claimed) return null;
      const [row] = await db.select().from(users).where(eq(users.id, claimed.id)).limit(1);
      return row ? { user: toUserRecord(row), passwordDropped: claimed.password_dropped } : null;
    },

    async discardUnverified(userId) {
      const deleted = await db
        .delete(users)
        .where(and(eq(users.id, userId), eq(users.emailVerified, false), isNull(users.deletedAt), sql`not exists (select 1 from sessions where sessions.user_id = ${users.id})`))
        .returning({ id: users.id });
      return deleted.length > 0;
    },

    async changeEmail(userId, email) {
      try {
        const [row] = await db
          .update(users)
          .set({ email, emailVerified: true, updatedAt: new Date() })
          .where(and(eq(users.id, userId), isNull(users.deletedAt)))
          .returning();
        return row ? { kind: "changed", user: toUserRecord(row) } : { kind: "user_gone" };
      } catch (error) {
        if (isUniqueViolation(error, EMAIL_INDEX)) return { kind: "email_taken" };
        throw error;
      }
    },
  };
}

function toCredential(row: typeof users.$inferSelect): AccountCredential {
  return { user: toUserRecord(row), passwordHash: row.passwordHash };
}
