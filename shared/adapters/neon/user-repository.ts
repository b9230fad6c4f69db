import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { users } from "../../../drizzle/schema";
import type { UserRecord, UserRepository } from "../../ports/user-repository";
import { decodeCursor, encodeCursor } from "../../domain/page-cursor";
import type { Database } from "./database";
import { isUniqueViolation } from "./constraint-violation";

export function neonUserRepository(db: Database): UserRepository {
  return {
    async find(id) {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ? toUserRecord(row) : null;
    },

    async list(filter) {
      const conditions: SQL[] = [isNull(users.deletedAt)];
      if (filter.tenantId) conditions.push(eq(users.tenantId, filter.tenantId));
      if (filter.phone) conditions.push(eq(users.phone, filter.phone));
      const cursor = filter.cursor ? decodeCursor(filter.cursor) : null;
      if (cursor) {
        const before = or(lt(users.createdAt, cursor.createdAt), and(eq(users.createdAt, cursor.createdAt), lt(users.id, cursor.id)));
        if (before) conditions.push(before);
      }
      const rows = await db
        .select()
        .from(users)
        .where(and(...conditions))
        .orderBy(desc(users.createdAt), desc(users.id))
        .limit(filter.limit + 1);
      const page = rows.slice(0, filter.limit).map(toUserRecord);
      const last = page.at(-1);
      return { users: page, nextCursor: rows.length > filter.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    async update(id, changes) {
      const [row] = await db
        .update(users)
        .set({
          ...(changes.roles === undefined ? {} : { roles: [...changes.roles] }),
          ...(changes.metadata === undefined ? {} : { metadata: { ...changes.metadata } }),
          // A verified address only arrives through AccountStore.changeEmail; any address set here is unproven.
          ...(changes.email === undefined ? {} : { email: changes.email, emailVerified: false }),
          ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
          updatedAt: new Date(),
        })
        .where(and(eq(users.id, id), isNull(users.deletedAt)))
        .returning();
      return row ? toUserRecord(row) : null;
    },

    async attachPhone(id, phone) {
      try {
        const [row] = await db
          .update(users)
          .set({ phone, updatedAt: new Date() })
          .where(and(eq(users.id, id), isNull(users.deletedAt)))
          .returning();
        return row ? { kind: "attached", user: toUserRecord(row) } : { kind: "no_user" };
      } catch (error) {
        if (isUniqueViolation(error, "users_tenant_phone_live_idx")) return { kind: "taken" };
        throw error;
      }
    },

    async findOrCreateByPhone({ tenantId, phone, newUser }) {
      // As the session store's openForPhone, without the session: the partial unique index on
      // live (tenant_id, phone) decides a race between first sign-ins.
      const [inserted, [user]] = await db.batch([
        db
          .insert(users)
          .values({ id: newUser.id, tenantId, phone, roles: [...newUser.roles], metadata: {}, createdAt: new Date() })
          .onConflictDoNothing({ target: [users.tenantId, users.phone], where: isNull(users.deletedAt) })
          .returning({ id: users.id }),
        db
          .select()
          .from(users)
          .where(and(eq(users.tenantId, tenantId), eq(users.phone, phone), isNull(users.deletedAt)))
          .limit(1),
      ]);
      if (!user) throw new Error("the phone's user vanished inside its sign-in transaction");
      return { user: toUserRecord(user), created: inserted.length > 0 };
    },

    async findOrCreateByEmail({ tenantId, email, newUser }) {
      // As the session store's openForEmail, without the session: only a verified address is signed into.
      const [inserted, [user]] = await db.batch([
        insertVerifiedEmailUser(db, { tenantId, email, newUser }),
        db
          .select()
          .from(users)
          .where(and(eq(users.tenantId, tenantId), sql`lower(${users.email}) = lower(${email})`, isNull(users.deletedAt), eq(users.emailVerified, true)))
          .limit(1),
      ]);
      return user ? { user: toUserRecord(user), created: inserted.rows.length > 0 } : null;
    },
  };
}

/**
 * A first sign-in's user for a proven address, created verified; nothing when a live user
 * holds the address in any spelling of its case (the live unique index on lower(email) decides).
 */
export function insertVerifiedEmailUser(db: Database, { tenantId, email, newUser }: { tenantId: string; email: string; newUser: { id: string; roles: readonly string[] } }) {
  return db.execute<{ id: string }>(sql`
    insert into users (id, tenant_id, email, email_verified, roles, metadata)
    values (${newUser.id}, ${tenantId}, ${email}, true, ${JSON.stringify(newUser.roles)}::jsonb, '{}'::jsonb)
    on conflict (tenant_id, lower(email)) where deleted_at is null and email is not null do nothing
    returning id
  `);
}

export function toUserRecord(row: typeof users.$inferSelect): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    phone: row.phone,
    email: row.email,
    emailVerified: row.emailVerified,
    hasPassword: row.passwordHash !== null,
    roles: row.roles,
    metadata: row.metadata,
    disabled: row.disabled,
    tokensValidAfter: row.tokensValidAfter,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}
