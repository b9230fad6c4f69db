import { and, desc, eq, isNull, lt, or, sql, type SQL } from "drizzle-orm";
import { users } from "../../../drizzle/schema";
import type { PhoneSession, UserRecord, UserRepository } from "../../ports/user-repository";
import { decodeCursor, encodeCursor } from "../../domain/page-cursor";
import type { Database } from "./database";

export function neonUserRepository(db: Database): UserRepository {
  return {
    async signInByPhone(tenantId, phone, create, session) {
      // A user another transaction inserted after this statement's snapshot makes the insert do
      // nothing and stays invisible to the select: the statement then finds no user, and a second
      // run, with a fresh snapshot, sees the winner's row.
      const row = (await signInOnce(db, tenantId, phone, create, session)) ?? (await signInOnce(db, tenantId, phone, create, session));
      if (!row) throw new Error("user vanished between insert and select");
      if (row.session_opened === row.disabled) throw new Error("a session was opened for a disabled user, or none for an enabled one");
      return { user: rawToRecord(row), created: row.created, sessionOpened: row.session_opened };
    },

    async find(id) {
      const [row] = await db.select().from(users).where(eq(users.id, id)).limit(1);
      return row ? toRecord(row) : null;
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
      const page = rows.slice(0, filter.limit).map(toRecord);
      const last = page.at(-1);
      return { users: page, nextCursor: rows.length > filter.limit && last ? encodeCursor({ createdAt: last.createdAt, id: last.id }) : null };
    },

    async update(id, changes) {
      const [row] = await db
        .update(users)
        .set({
          ...(changes.roles === undefined ? {} : { roles: [...changes.roles] }),
          ...(changes.metadata === undefined ? {} : { metadata: { ...changes.metadata } }),
          ...(changes.email === undefined ? {} : { email: changes.email }),
          ...(changes.disabled === undefined ? {} : { disabled: changes.disabled }),
          updatedAt: new Date(),
        })
        .where(and(eq(users.id, id), isNull(users.deletedAt)))
        .returning();
      return row ? toRecord(row) : null;
    },
  };
}

function toRecord(row: typeof users.$inferSelect): UserRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    phone: row.phone,
    email: row.email,
    roles: row.roles,
    metadata: row.metadata,
    disabled: row.disabled,
    tokensValidAfter: row.tokensValidAfter,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
    deletedAt: row.deletedAt,
  };
}

/** A users row as raw SQL returns it (timestamps as text), with what the sign-in statement did. */
interface SignInRow extends Record<string, unknown> {
  id: string;
  tenant_id: string;
  phone: string | null;
  email: string | null;
  roles: string[];
  metadata: Record<string, unknown>;
  disabled: boolean;
  tokens_valid_after: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
  created: boolean;
  session_opened: boolean;
}

/**
 * One statement: find or create the live user (the partial unique index on (tenant_id, phone)
 * decides races), then the session and its first refresh token, only for a user that is not
 * disabled. Null when the user was inserted by a transaction this snapshot cannot see.
 */
async function signInOnce(db: Database, tenantId: string, phone: string, create: { id: string; roles: readonly string[] }, session: PhoneSession): Promise<SignInRow | null> {
  const result = await db.execute<SignInRow>(sql`
    with inserted as (
      insert into users (id, tenant_id, phone, roles, metadata, created_at)
      values (${create.id}, ${tenantId}, ${phone}, ${JSON.stringify(create.roles)}::jsonb, '{}'::jsonb, ${new Date().toISOString()}::timestamptz)
      on conflict (tenant_id, phone) where deleted_at is null do nothing
      returning *
    ),
    found as (
      select * from inserted
      union all
      select * from users
      where tenant_id = ${tenantId} and phone = ${phone} and deleted_at is null and not exists (select 1 from inserted)
      limit 1
    ),
    opened as (
      insert into sessions (id, tenant_id, user_id, expires_at, ip, user_agent)
      select ${session.id}, tenant_id, id, ${session.expiresAt.toISOString()}::timestamptz, ${session.ip}, ${session.userAgent} from found where not disabled
      returning id
    ),
    first_token as (
      insert into refresh_tokens (token_hash, session_id, generation)
      select ${session.refreshTokenHash}, id, 1 from opened
      returning session_id
    )
    select found.*, exists (select 1 from inserted) as created, exists (select 1 from first_token) as session_opened from found
  `);
  return result.rows[0] ?? null;
}

function rawToRecord(row: SignInRow): UserRecord {
  const date = (value: string | null) => (value === null ? null : new Date(value));
  return {
    id: row.id,
    tenantId: row.tenant_id,
    phone: row.phone,
    email: row.email,
    roles: row.roles,
    metadata: row.metadata,
    disabled: row.disabled,
    tokensValidAfter: date(row.tokens_valid_after),
    createdAt: new Date(row.created_at),
    updatedAt: new Date(row.updated_at),
    deletedAt: date(row.deleted_at),
  };
}
