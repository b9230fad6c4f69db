/**
 * The Neon stand-in's conformance suite, written once and run against every
 * SQL backend. It is driven by the official clients, unmodified:
 * `@neondatabase/serverless` (`neon()`, `transaction()`) and
 * `drizzle-orm/neon-http`.
 */
import { randomUUID } from "node:crypto";
import { neon, neonConfig, NeonDbError, Pool, type NeonQueryFunction } from "@neondatabase/serverless";
import { eq } from "drizzle-orm";
import { drizzle } from "drizzle-orm/neon-http";
import { boolean, integer, jsonb, pgTable, serial, text, timestamp } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startNeonServer } from "../../../dev/neon/server";
import type { SqlBackend } from "../../../dev/neon/sql-backend";
import { createSqlBackend } from "../../../dev/neon/sql-backend-factory";
import type { RunningServer } from "../../../dev/support/http-server";

export const STAND_IN_USER = "portcullis";
/** Characters that must be percent-encoded in a URL, to prove the server decodes the userinfo. */
export const STAND_IN_PASSWORD = "pa:ss@w/rd%?#";

export function connectionString(password = STAND_IN_PASSWORD, user = STAND_IN_USER): string {
  return `postgresql://${encodeURIComponent(user)}:${encodeURIComponent(password)}@db.localtest.me/portcullis?sslmode=require`;
}

export interface RunningStandIn {
  readonly server: RunningServer;
  readonly backend: SqlBackend;
  /** Stops the server, then the backend. */
  close(): Promise<void>;
}

/** A stand-in on a free port over its own PGlite: in memory, or persisted in `dataDir`. */
export async function startPgliteStandIn(dataDir?: string): Promise<RunningStandIn> {
  const backend = await createSqlBackend({ postgresUrl: undefined, dataDir });
  const server = await startNeonServer({ port: 0, backend, credentials: { user: STAND_IN_USER, password: STAND_IN_PASSWORD } });
  return {
    server,
    backend,
    close: async () => {
      await server.close();
      await backend.close();
    },
  };
}

export interface BackendUnderTest {
  readonly backend: SqlBackend;
  /** Removes what the run created besides the backend (a throwaway database, a directory). */
  dispose(): Promise<void>;
}

export interface ConformanceOptions {
  /** Only a real PostgreSQL runs two requests' transactions at the same time; PGlite serialises them. */
  readonly runsTransactionsConcurrently: boolean;
}

/** Captures the driver's NeonDbError, also when drizzle wrapped it as a DrizzleQueryError's cause, so its fields can be asserted. */
export async function rejectionOf(promise: Promise<unknown>): Promise<NeonDbError> {
  try {
    await promise;
  } catch (error) {
    for (let current: unknown = error; current instanceof Error; current = current.cause) {
      if (current instanceof NeonDbError) return current;
    }
    throw error;
  }
  throw new Error("expected the query to fail");
}

const items = pgTable("drizzle_items", {
  id: serial("id").primaryKey(),
  name: text("name").notNull().unique(),
  quantity: integer("quantity").notNull().default(0),
  spent: boolean("spent").notNull().default(false),
  meta: jsonb("meta").$type<{ tags: string[] }>(),
  createdAt: timestamp("created_at", { withTimezone: true, mode: "date" }).notNull().defaultNow(),
});

const batchTargets = pgTable("drizzle_batch_targets", { id: integer("id").primaryKey() });

export function neonConformanceTests(startBackend: () => Promise<BackendUnderTest>, options: ConformanceOptions): void {
  let underTest: BackendUnderTest | undefined;
  let server: RunningServer | undefined;
  let sql: NeonQueryFunction<false, false>;

  beforeAll(async () => {
    underTest = await startBackend();
    server = await startNeonServer({ port: 0, backend: underTest.backend, credentials: { user: STAND_IN_USER, password: STAND_IN_PASSWORD } });
    // The setting is global to the driver; each test file has its own module instance.
    neonConfig.fetchEndpoint = `${server.url}/sql`;
    sql = neon(connectionString());
  });

  afterAll(async () => {
    await server?.close();
    await underTest?.backend.close();
    await underTest?.dispose();
  });

  it("round-trips parameters of every common type through a table", async () => {
    await sql`create table type_samples (
      i int, big int8, num numeric, t text, b bool, n text, j json, jb jsonb,
      ts timestamptz, u uuid, bin bytea, tags text[], nums int[])`;
    const sample = {
      i: -2147483648,
      big: "9223372036854775807",
      num: "12345678901234567890.0123456789",
      t: 'héllo wörld 🌍 — "quoted", back\\slash, new\nline',
      b: true,
      n: null,
      j: { a: [1, "two", null] },
      jb: { nested: { ok: true }, unicode: "✓" },
      ts: new Date("2024-02-29T23:59:58.123Z"),
      u: randomUUID(),
      bin: Buffer.from([0, 1, 2, 92, 254, 255]),
      tags: ["a", 'b "c"', "d,e", "NULL", "", "ü"],
      nums: [1, -2, 3],
    };
    await sql`insert into type_samples values (${sample.i}, ${sample.big}, ${sample.num}, ${sample.t}, ${sample.b},
      ${sample.n}, ${sample.j}, ${sample.jb}, ${sample.ts}, ${sample.u}, ${sample.bin}, ${sample.tags}, ${sample.nums})`;
    await sql`insert into type_samples values (null, null, null, null, false, null, null, null, null, null, null, null, null)`;

    const rows = await sql`select * from type_samples order by b desc`;

    expect(rows).toEqual([
      { ...sample, big: "9223372036854775807", num: "12345678901234567890.0123456789" },
      { i: null, big: null, num: null, t: null, b: false, n: null, j: null, jb: null, ts: null, u: null, bin: null, tags: null, nums: null },
    ]);
  });

  it("sends Postgres text output, which the driver parses (timestamptz in UTC, bytea as hex)", async () => {
    const [row] = await sql.query(
      "select '2024-01-02 03:04:05.678+00'::timestamptz::text as ts, '\\x0102'::bytea::text as bin, current_setting('TimeZone') as zone, $1::int8 + 1 as next",
      ["9007199254740992"],
    );
    expect(row).toEqual({ ts: "2024-01-02 03:04:05.678+00", bin: "\\x0102", zone: "UTC", next: "9007199254740993" });
  });

  it("answers fullResults and arrayMode with the real RowDescription and command tag", async () => {
    await sql`create table described (id serial primary key, label text not null)`;
    const created = await sql.query("insert into described (label) values ($1), ($2), ($3) returning id, label", ["a", "b", "c"], {
      fullResults: true,
      arrayMode: true,
    });
    expect(created.command).toBe("INSERT");
    expect(created.rowCount).toBe(3);
    expect(created.rows).toEqual([
      [1, "a"],
      [2, "b"],
      [3, "c"],
    ]);
    const [table] = await sql`select 'described'::regclass::oid as oid`;
    expect(created.fields).toEqual([
      { name: "id", dataTypeID: 23, tableID: Number(table?.oid), columnID: 1, dataTypeSize: 4, dataTypeModifier: -1, format: "text" },
      { name: "label", dataTypeID: 25, tableID: Number(table?.oid), columnID: 2, dataTypeSize: -1, dataTypeModifier: -1, format: "text" },
    ]);

    const updated = await sql.query("update described set label = upper(label) where id > $1", [1], { fullResults: true });
    expect(updated).toMatchObject({ command: "UPDATE", rowCount: 2, fields: [], rows: [] });

    const dropped = await sql.query("drop table described", [], { fullResults: true });
    expect(dropped).toMatchObject({ command: "DROP", rowCount: null, fields: [], rows: [] });
  });

  it("refuses several statements in one query with 42601, as Neon's extended protocol does", async () => {
    const error = await rejectionOf(sql.query("select 1; select 2"));
    expect(error.code).toBe("42601");
    expect(error.message).toBe("cannot insert multiple commands into a prepared statement");
  });

  it("reports a syntax error as NeonDbError 42601 with its position", async () => {
    const error = await rejectionOf(sql.query("selec 1"));
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error).toMatchObject({ name: "NeonDbError", code: "42601", severity: "ERROR", position: "1" });
    expect(error.message).toBe('syntax error at or near "selec"');
  });

  it("reports a missing table as 42P01", async () => {
    const error = await rejectionOf(sql`select * from no_such_table`);
    expect(error).toMatchObject({ code: "42P01", message: 'relation "no_such_table" does not exist', position: "15" });
  });

  it("reports a unique violation as 23505 with the constraint, table, schema and detail", async () => {
    await sql`create table accounts (id int primary key, email text not null constraint accounts_email_unique unique)`;
    await sql`insert into accounts values (1, 'a@example.com')`;
    const error = await rejectionOf(sql`insert into accounts values (2, 'a@example.com')`);
    expect(error).toMatchObject({
      code: "23505",
      constraint: "accounts_email_unique",
      table: "accounts",
      schema: "public",
      detail: "Key (email)=(a@example.com) already exists.",
    });
  });

  it("passes a serialization failure through as 40001", async () => {
    const error = await rejectionOf(sql`do $$ begin raise exception 'could not serialize access' using errcode = 'serialization_failure'; end $$`);
    expect(error.code).toBe("40001");
  });

  it("commits every statement of a transaction() batch and returns their results in order", async () => {
    await sql`create table ledger (id int primary key, amount int not null)`;
    const [inserted, updated, selected] = await sql.transaction([
      sql`insert into ledger values (1, 10), (2, 20) returning id`,
      sql`update ledger set amount = amount + 1`,
      sql`select sum(amount)::int as total from ledger`,
    ]);
    expect(inserted).toEqual([{ id: 1 }, { id: 2 }]);
    expect(updated).toEqual([]);
    expect(selected).toEqual([{ total: 32 }]);
  });

  it("rolls the whole batch back when its second statement fails", async () => {
    await sql`create table all_or_nothing (id int primary key)`;
    await sql`insert into all_or_nothing values (1)`;
    const error = await rejectionOf(sql.transaction([sql`insert into all_or_nothing values (2)`, sql`insert into all_or_nothing values (1)`]));
    expect(error.code).toBe("23505");
    expect(await sql`select id from all_or_nothing order by id`).toEqual([{ id: 1 }]);
  });

  it("runs all statements of a batch in one transaction, even while other batches run", async () => {
    const batch = () =>
      sql.transaction([sql`select txid_current()::text as id`, sql`select pg_sleep(0.05)`, sql`select txid_current()::text as id`]);
    // More batches than the real backend has sessions, so some must queue for one.
    const outcomes = await Promise.all(Array.from({ length: 25 }, batch));
    for (const [first, , last] of outcomes) expect(last).toEqual(first);
    expect(new Set(outcomes.map(([first]) => first?.[0]?.id)).size).toBe(outcomes.length);
  });

  it("runs a batch at each isolation level the driver can ask for", async () => {
    const expected = { ReadUncommitted: "read uncommitted", ReadCommitted: "read committed", RepeatableRead: "repeatable read", Serializable: "serializable" };
    for (const [isolationLevel, shown] of Object.entries(expected)) {
      const [rows] = await sql.transaction([sql`show transaction_isolation`], { isolationLevel: isolationLevel as keyof typeof expected });
      expect(rows).toEqual([{ transaction_isolation: shown }]);
    }
  });

  it("applies readOnly and deferrable to the batch transaction", async () => {
    await sql`create table read_only_target (id int)`;
    const error = await rejectionOf(sql.transaction([sql`insert into read_only_target values (1)`], { readOnly: true }));
    expect(error.code).toBe("25006");
    const [modes] = await sql.transaction([sql`select current_setting('transaction_read_only') as ro, current_setting('transaction_deferrable') as d`], {
      isolationLevel: "Serializable",
      readOnly: true,
      deferrable: true,
    });
    expect(modes).toEqual([{ ro: "on", d: "on" }]);
  });

  it("rejects a wrong password as Neon does: HTTP 400, an empty code, the user named", async () => {
    const error = await rejectionOf(neon(connectionString("not-the-password"))`select 1`);
    expect(error).toBeInstanceOf(NeonDbError);
    expect(error.message).toBe(`password authentication failed for user '${STAND_IN_USER}'`);
    expect(error.code).toBe("");
  });

  it("rejects an unknown user with the right password in the same words", async () => {
    const error = await rejectionOf(neon(connectionString(STAND_IN_PASSWORD, "intruder"))`select 1`);
    expect(error.message).toBe("password authentication failed for user 'intruder'");
  });

  it("starts every request in a fresh session: no open transaction, setting or temp table leaks", async () => {
    await sql`create table leak_probe (id int)`;
    await sql`begin`;
    await sql`insert into leak_probe values (1)`;
    // Had the insert run inside the leaked transaction, the reset would have rolled it back.
    expect(await sql`select id from leak_probe`).toEqual([{ id: 1 }]);

    const [before] = await sql`show search_path`;
    await sql.transaction([sql`set search_path = pg_catalog`, sql`select 1`]);
    expect(await sql`show search_path`).toEqual([before]);

    await sql`set timezone = 'Asia/Tokyo'`;
    // RESET ALL must return to the stand-in's UTC default, not to a local server's own setting.
    expect(await sql`show timezone`).toEqual([{ TimeZone: "UTC" }]);

    await sql`create temp table scratch (id int)`;
    expect((await rejectionOf(sql`select * from scratch`)).code).toBe("42P01");
  });

  it("lands all of 20 parallel inserts", async () => {
    await sql`create table parallel_inserts (id int primary key)`;
    await Promise.all(Array.from({ length: 20 }, (_, index) => sql`insert into parallel_inserts values (${index})`));
    expect(await sql`select count(*)::int as count from parallel_inserts`).toEqual([{ count: 20 }]);
  });

  it("gives a conditionally updated row to exactly one of two concurrent transactions", async () => {
    await sql`create table vouchers (id int primary key, spent boolean not null default false)`;
    await sql`insert into vouchers (id) values (1)`;
    const claim = () =>
      sql.transaction([
        sql`update vouchers set spent = true where id = 1 and spent = false returning id`,
        // Holds the row lock a moment so the other transaction really has to wait for it on PostgreSQL.
        sql`select pg_sleep(0.2)`,
      ]);
    const outcomes = await Promise.all([claim(), claim()]);
    const winners = outcomes.filter(([claimed]) => claimed?.length === 1);
    expect(winners).toHaveLength(1);
    expect(outcomes.map(([claimed]) => claimed?.length).sort()).toEqual([0, 1]);
  });

  it("never lets another request's statement into a batch's transaction", async () => {
    await sql`create table interleave_probe (name text primary key)`;
    // The batch stays open a moment, then fails and rolls back; the single insert sent meanwhile must survive it.
    const doomed = sql.transaction([
      sql`insert into interleave_probe values ('batch')`,
      sql`select pg_sleep(0.3)`,
      sql`select 1 / 0`,
    ]);
    const single = sql`insert into interleave_probe values ('single')`;
    const [batchOutcome, singleOutcome] = await Promise.allSettled([doomed, single]);
    expect(batchOutcome.status).toBe("rejected");
    expect(singleOutcome.status).toBe("fulfilled");
    expect(await sql`select name from interleave_probe`).toEqual([{ name: "single" }]);
  });

  it.runIf(options.runsTransactionsConcurrently)("runs another request while a batch transaction is still open", async () => {
    await sql`create table rendezvous (name text primary key)`;
    // The batch announces itself with an advisory lock, then waits (bounded) for a row that only a second request inserts.
    const waiting = sql.transaction([
      sql`select pg_advisory_xact_lock(4242)`,
      sql`do $$
        begin
          for attempt in 1..200 loop
            if exists (select 1 from rendezvous where name = 'second') then return; end if;
            perform pg_sleep(0.05);
          end loop;
          raise exception 'the second request never ran';
        end $$`,
      sql`insert into rendezvous values ('first')`,
    ]);
    await eventually(async () => {
      const [held] = await sql`select count(*)::int as count from pg_locks
        where locktype = 'advisory' and objid = 4242 and granted
          and database = (select oid from pg_database where datname = current_database())`;
      return held?.count === 1;
    });
    await sql`insert into rendezvous values ('second')`;
    await waiting;
    expect(await sql`select name from rendezvous order by name`).toEqual([{ name: "first" }, { name: "second" }]);
  });

  it("round-trips a Date and a Buffer as the driver encodes them", async () => {
    const when = new Date("2031-12-31T23:59:59.999Z");
    const bytes = Buffer.from("00ff10", "hex");
    expect(await sql`select ${when}::timestamptz as at, ${bytes} as bin`).toEqual([{ at: when, bin: bytes }]);
  });

  it("serves Pool.query over HTTP when poolQueryViaFetch is on", async () => {
    neonConfig.poolQueryViaFetch = true;
    const pool = new Pool({ connectionString: connectionString() });
    try {
      const result = await pool.query("select $1::int + 1 as next", [41]);
      expect(result.rows).toEqual([{ next: 42 }]);
      expect(result.command).toBe("SELECT");
    } finally {
      neonConfig.poolQueryViaFetch = false;
      await pool.end();
    }
  });

  it("serves drizzle-orm/neon-http: insert and update with returning(), select, execute and batch", async () => {
    await sql`create table drizzle_items (
      id serial primary key, name text not null unique, quantity integer not null default 0,
      spent boolean not null default false, meta jsonb, created_at timestamptz not null default now())`;
    const db = drizzle({ client: sql });

    const [pen] = await db.insert(items).values({ name: "pen", quantity: 3, meta: { tags: ["office", "ünïcode"] } }).returning();
    expect(pen).toMatchObject({ id: 1, name: "pen", quantity: 3, spent: false, meta: { tags: ["office", "ünïcode"] } });
    expect(pen?.createdAt).toBeInstanceOf(Date);

    const [spentPen] = await db.update(items).set({ spent: true, quantity: 2 }).where(eq(items.name, "pen")).returning({ id: items.id, spent: items.spent });
    expect(spentPen).toEqual({ id: 1, spent: true });

    const executed = await db.execute("update drizzle_items set quantity = quantity + 1");
    expect(executed.rowCount).toBe(1);

    const [inserted, updated, listed] = await db.batch([
      db.insert(items).values([{ name: "ink" }, { name: "pad" }]).returning({ name: items.name }),
      db.update(items).set({ quantity: 9 }).where(eq(items.name, "ink")).returning({ quantity: items.quantity }),
      db.select({ name: items.name, quantity: items.quantity }).from(items).orderBy(items.id),
    ]);
    expect(inserted).toEqual([{ name: "ink" }, { name: "pad" }]);
    expect(updated).toEqual([{ quantity: 9 }]);
    expect(listed).toEqual([
      { name: "pen", quantity: 3 },
      { name: "ink", quantity: 9 },
      { name: "pad", quantity: 0 },
    ]);
  });

  it("rolls a drizzle batch back as a whole when one of its statements fails", async () => {
    await sql`create table drizzle_batch_targets (id integer primary key)`;
    const db = drizzle({ client: sql });
    const failing = db.batch([
      db.insert(batchTargets).values({ id: 7 }),
      db.insert(batchTargets).values({ id: 8 }),
      db.insert(batchTargets).values({ id: 7 }),
    ]);
    const error = await rejectionOf(failing);
    expect(error.code).toBe("23505");
    expect(await db.select().from(batchTargets)).toEqual([]);
  });
}

/** Polls a condition a bounded number of times; fails if it never holds. */
async function eventually(condition: () => Promise<boolean>, attempts = 200): Promise<void> {
  for (let attempt = 0; attempt < attempts; attempt++) {
    if (await condition()) return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error("the condition never held");
}
