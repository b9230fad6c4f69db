import { PGlite } from "@electric-sql/pglite";
import pg from "pg";
import { afterEach, describe, expect, it } from "vitest";
import { startPgliteWireServer, type PgliteWireServer } from "../../../bench/pglite-wire-server";

let db: PGlite | null = null;
let server: PgliteWireServer | null = null;
afterEach(async () => {
  await server?.close();
  await db?.close();
  server = null;
  db = null;
});

async function start(): Promise<string> {
  db = new PGlite();
  server = await startPgliteWireServer(db);
  return server.url;
}

describe("PGlite behind the wire protocol", () => {
  it("answers the pg driver's simple and extended queries, errors included, and the connection stays usable", async () => {
    const client = new pg.Client({ connectionString: await start() });
    await client.connect();
    expect((await client.query("select 1 as one")).rows).toEqual([{ one: 1 }]);
    expect((await client.query("select $1::int + $2::int as sum", [2, 3])).rows).toEqual([{ sum: 5 }]);
    await expect(client.query("select * from missing_table")).rejects.toThrow(/missing_table/);
    expect((await client.query("select $1::text as back", ["still here"])).rows).toEqual([{ back: "still here" }]);
    await client.end();
  });

  it("never interleaves another client's statements into an open transaction, so a rollback undoes only its own", async () => {
    const url = await start();
    const pool = new pg.Pool({ connectionString: url, max: 8 });
    await pool.query("create table entries (owner text, n int)");
    const work = Array.from({ length: 8 }, async (_, index) => {
      const client = await pool.connect();
      try {
        await client.query("begin");
        for (let n = 0; n < 5; n += 1) await client.query("insert into entries values ($1, $2)", [`c${index}`, n]);
        // Inside its transaction a client sees its own five rows, and of the others only whole committed sets:
        // had another client's statements run inside this transaction, a partial or rolled-back set would show.
        const seen = await client.query<{ owner: string; count: string }>("select owner, count(*) from entries group by owner");
        for (const row of seen.rows) {
          if (row.owner === `c${index}`) expect(Number(row.count)).toBe(5);
          else expect({ owner: row.owner, count: Number(row.count), committer: Number(row.owner.slice(1)) % 2 === 1 }).toEqual({ owner: row.owner, count: 5, committer: true });
        }
        await client.query(index % 2 === 0 ? "rollback" : "commit");
      } finally {
        client.release();
      }
    });
    await Promise.all(work);
    const rows = await pool.query<{ owner: string; count: string }>("select owner, count(*) from entries group by owner order by owner");
    expect(rows.rows.map((row) => [row.owner, Number(row.count)])).toEqual([
      ["c1", 5],
      ["c3", 5],
      ["c5", 5],
      ["c7", 5],
    ]);
    await pool.end();
  });
});
