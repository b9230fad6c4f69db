import type { IsolationLevel, TransactionOptions } from "./sql-backend";

/**
 * What Neon's proxy runs before it hands a pooled connection to the next
 * request: an open transaction, a SET, a prepared statement, a temp table or
 * an advisory lock never outlives the request that made it.
 */
export const SESSION_RESET_SQL =
  "ROLLBACK; CLOSE ALL; SET SESSION AUTHORIZATION DEFAULT; RESET ALL; DEALLOCATE ALL; UNLISTEN *; " +
  "SELECT pg_advisory_unlock_all(); DISCARD TEMP; DISCARD SEQUENCES";

/**
 * Neon's computes answer in UTC with ISO dates, and the raw text reaches the
 * application (drizzle keeps timestamps as strings), so a developer's local
 * server must not format them differently. Sent as startup options, which are
 * what RESET ALL returns to.
 */
export const SESSION_DEFAULTS_OPTIONS = "-c TimeZone=UTC -c DateStyle=ISO,MDY -c IntervalStyle=postgres";

const ISOLATION_SQL: { readonly [Level in IsolationLevel]: string } = {
  ReadUncommitted: "ISOLATION LEVEL READ UNCOMMITTED",
  ReadCommitted: "ISOLATION LEVEL READ COMMITTED",
  RepeatableRead: "ISOLATION LEVEL REPEATABLE READ",
  Serializable: "ISOLATION LEVEL SERIALIZABLE",
};

/** The statement that opens a Neon batch transaction with the modes from its headers. */
export function startTransactionSql(options: TransactionOptions): string {
  const modes: string[] = [];
  if (options.isolationLevel !== undefined) modes.push(ISOLATION_SQL[options.isolationLevel]);
  if (options.readOnly) modes.push("READ ONLY");
  if (options.deferrable) modes.push("DEFERRABLE");
  return modes.length === 0 ? "START TRANSACTION" : `START TRANSACTION ${modes.join(", ")}`;
}
