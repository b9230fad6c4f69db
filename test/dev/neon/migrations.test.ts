import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { neon } from "@neondatabase/serverless";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { applyMigrations, MIGRATIONS_FOLDER } from "../../../drizzle/migrate";
import { startNeonServer } from "../../../dev/neon/server";
import type { SqlBackend } from "../../../dev/neon/sql-backend";
import { createSqlBackend } from "../../../dev/neon/sql-backend-factory";
import type { RunningServer } from "../../../dev/support/http-server";
import { connectionString, STAND_IN_PASSWORD, STAND_IN_USER } from "./neon-conformance";

describe("the project's migrations through the Neon stand-in", () => {
  let backend: SqlBackend;
  let server: RunningServer;

  beforeAll(async () => {
    backend = await createSqlBackend({ postgresUrl: undefined, dataDir: undefined });
    server = await startNeonServer({ port: 0, backend, credentials: { user: STAND_IN_USER, password: STAND_IN_PASSWORD } });
  });

  afterAll(async () => {
    await server.close();
    await backend.close();
  });

  it("applies every migration to a fresh PGlite over the Neon HTTP driver, and a second run changes nothing", async () => {
    const journal = JSON.parse(await readFile(join(MIGRATIONS_FOLDER, "meta", "_journal.json"), "utf8")) as { entries: unknown[] };

    await applyMigrations(connectionString(), `${server.url}/sql`);
    await applyMigrations(connectionString(), `${server.url}/sql`);

    const sql = neon(connectionString());
    expect(await sql`select count(*)::int as applied from drizzle.__drizzle_migrations`).toEqual([{ applied: journal.entries.length }]);
    expect(await sql`select to_regclass('public.tenants') is not null as created`).toEqual([{ created: true }]);
  });
});
