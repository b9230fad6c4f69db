import pg from "pg";
import { toPostgresError } from "./postgres-error";
import { runBatchInTransaction } from "./batch-transaction";
import { SESSION_DEFAULTS_OPTIONS, SESSION_RESET_SQL } from "./session-sql";
import type { SqlBackend, SqlOutcome, SqlStatement, StatementResult } from "./sql-backend";

/** Neon's proxy keeps up to 20 connections per endpoint. */
const MAX_SESSIONS = 20;

/** Every value stays the server's text output: the Neon driver parses types itself. */
const RAW_TEXT_TYPES = { getTypeParser: () => (text: string) => text } as unknown as pg.CustomTypesConfig;

/**
 * A real PostgreSQL behind the stand-in. Each request checks out its own
 * session, so concurrent transactions really run concurrently (row locks and
 * serialization failures behave as on Neon); the session is reset before it
 * goes back to the pool.
 */
export async function createPostgresBackend(postgresUrl: string): Promise<SqlBackend> {
  const pool = new pg.Pool({ connectionString: postgresUrl, max: MAX_SESSIONS, options: SESSION_DEFAULTS_OPTIONS });
  pool.on("error", (error) => console.error("[neon] idle PostgreSQL session failed:", error.message));
  try {
    await pool.query("select 1");
  } catch (error) {
    await pool.end();
    throw error;
  }

  const inCleanSession = async <T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> => {
    const client = await pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      broken = error instanceof Error ? error : new Error(String(error));
      throw error;
    } finally {
      if (!broken) {
        try {
          await client.query(SESSION_RESET_SQL);
        } catch (error) {
          broken = error instanceof Error ? error : new Error(String(error));
        }
      }
      // A session that failed or could not be reset is closed rather than reused.
      client.release(broken);
    }
  };

  return {
    query: (statement) => inCleanSession((client) => runExtended(client, statement)),
    transaction: (statements, options) =>
      inCleanSession((client) => runBatchInTransaction((statement) => runExtended(client, statement), statements, options)),
    close: () => pool.end(),
  };
}

/**
 * `queryMode: 'extended'` even without parameters: the simple protocol would
 * accept several statements, which Neon refuses with 42601.
 */
async function runExtended(client: pg.PoolClient, statement: SqlStatement): Promise<SqlOutcome<StatementResult>> {
  const query: pg.QueryArrayConfig & { queryMode: "extended" } = {
    text: statement.text,
    values: [...statement.params],
    rowMode: "array",
    types: RAW_TEXT_TYPES,
    queryMode: "extended",
  };
  try {
    const result = await client.query<(string | null)[]>(query);
    return {
      ok: true,
      value: {
        fields: result.fields.map(({ name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier }) => ({
          name,
          dataTypeID,
          tableID,
          columnID,
          dataTypeSize,
          dataTypeModifier,
        })),
        rows: result.rows,
        command: result.command ?? "",
        rowCount: result.rowCount,
      },
    };
  } catch (error) {
    if (error instanceof pg.DatabaseError) return { ok: false, error: toPostgresError(error) };
    throw error;
  }
}
