import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { neon } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_FOLDER } from "../../../drizzle/migrate";
import { connectionString, startPgliteStandIn, type RunningStandIn } from "./neon-conformance";

describe("the project's migrations through the Neon stand-in", () => {
  let standIn: RunningStandIn;

  beforeAll(async () => {
    standIn = await startPgliteStandIn();
  });

  afterAll(() => standIn.close());

  it("applies every migration to a fresh PGlite over the Neon HTTP driver, and a second run changes nothing", async () => {
    const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };

    await applyMigrations(connectionString(), `${standIn.server.url}/sql`);
    await applyMigrations(connectionString(), `${standIn.server.url}/sql`);

    const sql = neon(connectionString());
    expect(await sql`select count(*)::int as applied from drizzle.__drizzle_migrations`).toEqual([{ applied: journal.entries.length }]);
    expect(await sql`select to_regclass('public.tenants') is not null as created`).toEqual([{ created: true }]);
  });
});
