import { startTransactionSql } from "./session-sql";
import type { SqlOutcome, SqlStatement, StatementResult, TransactionOptions } from "./sql-backend";

export type RunStatement = (statement: SqlStatement) => Promise<SqlOutcome<StatementResult>>;

/**
 * A Neon batch on one session: START TRANSACTION with the header modes, the
 * statements in order, COMMIT. On the first failure it stops and returns that
 * error; the caller's session reset (which begins with ROLLBACK) undoes the rest.
 */
export async function runBatchInTransaction(
  run: RunStatement,
  statements: readonly SqlStatement[],
  options: TransactionOptions,
): Promise<SqlOutcome<StatementResult[]>> {
  const begun = await run({ text: startTransactionSql(options), params: [] });
  if (!begun.ok) return begun;
  const results: StatementResult[] = [];
  for (const statement of statements) {
    const outcome = await run(statement);
    if (!outcome.ok) return outcome;
    results.push(outcome.value);
  }
  // COMMIT can still fail (a deferred constraint, a serialization failure); Neon reports that error.
  const committed = await run({ text: "COMMIT", params: [] });
  return committed.ok ? { ok: true, value: results } : committed;
}
