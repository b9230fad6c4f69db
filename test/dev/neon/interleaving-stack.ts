/**
 * What every exact-interleaving scenario on a real PostgreSQL starts from: a throwaway
 * database with the migrations applied, the Neon stand-in in front of it (the product's
 * adapters talk to that), two plain connections beside it, and one tenant, `tn_race`.
 */
import { randomBytes } from "node:crypto";
import pg from "pg";
import { applyMigrations } from "../../../drizzle/migrate";
import { createSqlBackend } from "../../../dev/neon/sql-backend-factory";
import { startNeonServer } from "../../../dev/neon/server";
import { createDatabase, type Database } from "../../../shared/adapters/neon/database";
import { throwawayDatabase } from "../../support/throwaway-database";

export interface InterleavingStack {
  /** The product's database client, through the Neon stand-in. */
  readonly db: Database;
  /** Reads state and Postgres's view of who waits for whom. */
  readonly observer: pg.Client;
  /** Holds row locks inside a transaction it opens, to stop a statement mid-way. */
  readonly blocker: pg.Client;
  close(): Promise<void>;
}

const CREDENTIALS = { user: "portcullis", password: randomBytes(12).toString("hex") };

export async function startInterleavingStack(serverUrl: string): Promise<InterleavingStack> {
  const database = await throwawayDatabase(serverUrl, "portcullis_interleaving");
  const backend = await createSqlBackend({ postgresUrl: database.url, dataDir: undefined });
  const neon = await startNeonServer({ port: 0, backend, credentials: CREDENTIALS });
  const observer = new pg.Client({ connectionString: database.url });
  const blocker = new pg.Client({ connectionString: database.url });
  const close = async () => {
    await Promise.allSettled([observer.end(), blocker.end()]);
    await neon.close();
    await backend.close();
    await database.drop();
  };
  try {
    const url = `postgresql://${CREDENTIALS.user}:${CREDENTIALS.password}@localhost/portcullis`;
    await applyMigrations(url, `${neon.url}/sql`);
    await Promise.all([observer.connect(), blocker.connect()]);
    await observer.query(`insert into tenants (id, name, slug, settings) values ('tn_race', 'Race', 'race', '{}')`);
    return { db: createDatabase({ url, fetchEndpoint: `${neon.url}/sql` }), observer, blocker, close };
  } catch (error) {
    await close();
    throw error;
  }
}
