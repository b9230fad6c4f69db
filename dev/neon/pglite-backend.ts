import { mkdir } from "node:fs/promises";
import { Mutex, PGlite, protocol } from "@electric-sql/pglite";
import { parseCommandTag } from "./command-tag";
import { toPostgresError } from "./postgres-error";
import { runBatchInTransaction } from "./batch-transaction";
import { SESSION_RESET_SQL } from "./session-sql";
import type { FieldDescription, SqlBackend, SqlOutcome, SqlStatement, StatementResult, TextRow } from "./sql-backend";

const { serialize } = protocol;

/**
 * PGlite is one Postgres session, so requests take turns: a batch's
 * transaction must never see another request's statement between its BEGIN
 * and COMMIT, and each request starts from a reset session. (PGlite 0.5.16
 * happens to answer without yielding to the event loop, but its API does not
 * promise that, hence the explicit mutex.)
 */
export async function createPgliteBackend(dataDir: string | undefined): Promise<SqlBackend> {
  const directory = dataDir || undefined; // an empty path means "no directory", not the working directory
  if (directory !== undefined) await mkdir(directory, { recursive: true });
  const db = await PGlite.create(directory);
  const turns = new Mutex();

  const inCleanSession = <T>(work: () => Promise<T>): Promise<T> =>
    turns.runExclusive(async () => {
      try {
        return await work();
      } finally {
        await db.execProtocol(serialize.query(SESSION_RESET_SQL), { throwOnError: true, onNotice: ignoreNotice });
      }
    });

  const run = (statement: SqlStatement) => runExtended(db, statement);

  return {
    query: (statement) => inCleanSession(() => run(statement)),
    transaction: (statements, options) => inCleanSession(() => runBatchInTransaction(run, statements, options)),
    close: () => db.close(),
  };
}

/**
 * Parse (no parameter types, so Postgres infers them as on Neon), Bind with
 * text parameters, Describe, Execute, Sync: the extended protocol refuses
 * several statements in one query exactly as Neon does, and the replies carry
 * the real RowDescription and command tag in text format.
 */
async function runExtended(db: PGlite, statement: SqlStatement): Promise<SqlOutcome<StatementResult>> {
  const request = Buffer.concat([
    serialize.parse({ text: statement.text, types: [] }),
    serialize.bind({ values: [...statement.params] }),
    serialize.describe({ type: "P" }),
    serialize.execute({}),
    serialize.sync(),
  ]);
  const { messages } = await db.execProtocol(request, { throwOnError: false, onNotice: ignoreNotice });
  let fields: FieldDescription[] = [];
  const rows: TextRow[] = [];
  let tag: string | undefined;
  for (const message of messages) {
    if (message instanceof protocol.messages.DatabaseError) return { ok: false, error: toPostgresError(message) };
    if (message instanceof protocol.messages.RowDescriptionMessage) fields = message.fields.map(describeField);
    else if (message instanceof protocol.messages.DataRowMessage) rows.push(message.fields);
    else if (message instanceof protocol.messages.CommandCompleteMessage) tag = message.text;
    else if (message.name === "emptyQuery") tag = "";
  }
  if (tag === undefined) throw new Error("PGlite answered a query without CommandComplete or an error");
  return { ok: true, value: { fields, rows, ...parseCommandTag(tag) } };
}

function describeField(field: FieldDescription): FieldDescription {
  const { name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier } = field;
  return { name, dataTypeID, tableID, columnID, dataTypeSize, dataTypeModifier };
}

function ignoreNotice(): void {
  // Notices (e.g. "there is no transaction in progress" from the reset) are not part of Neon's reply.
}
