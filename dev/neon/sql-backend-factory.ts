import { createPgliteBackend } from "./pglite-backend";
import { createPostgresBackend } from "./postgres-backend";
import type { SqlBackend } from "./sql-backend";

export interface SqlBackendOptions {
  /** A real PostgreSQL to run against; PGlite when undefined. */
  readonly postgresUrl: string | undefined;
  /** Where PGlite persists (created if missing); in memory when undefined. Ignored with `postgresUrl`. */
  readonly dataDir: string | undefined;
}

export function createSqlBackend(options: SqlBackendOptions): Promise<SqlBackend> {
  return options.postgresUrl ? createPostgresBackend(options.postgresUrl) : createPgliteBackend(options.dataDir);
}
