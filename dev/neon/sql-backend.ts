/**
 * The port the Neon stand-in runs SQL through. Implementations: PGlite
 * (embedded, one serialised session) and a real PostgreSQL (a pool of sessions).
 */

/** One statement as Neon runs it: SQL text plus untyped text parameters (`null` is SQL NULL). */
export interface SqlStatement {
  readonly text: string;
  readonly params: readonly (string | null)[];
}

/** A column of the RowDescription, under the names Neon's `fields` use. */
export interface FieldDescription {
  readonly name: string;
  readonly dataTypeID: number;
  readonly tableID: number;
  readonly columnID: number;
  readonly dataTypeSize: number;
  readonly dataTypeModifier: number;
}

export type TextRow = readonly (string | null)[];

export interface StatementResult {
  readonly fields: readonly FieldDescription[];
  /** Every cell in Postgres text output; `null` is SQL NULL. */
  readonly rows: readonly TextRow[];
  /** First word of the command tag; `""` for an empty query. */
  readonly command: string;
  /** Count from the command tag; `null` for tags without one (CREATE, BEGIN, …). */
  readonly rowCount: number | null;
}

export type IsolationLevel = "ReadUncommitted" | "ReadCommitted" | "RepeatableRead" | "Serializable";

export interface TransactionOptions {
  readonly isolationLevel: IsolationLevel | undefined;
  readonly readOnly: boolean;
  readonly deferrable: boolean;
}

/** The fields of a Postgres ErrorResponse, as node-postgres and PGlite name them. */
export interface PostgresError {
  readonly message: string;
  readonly severity: string | undefined;
  readonly code: string | undefined;
  readonly detail: string | undefined;
  readonly hint: string | undefined;
  readonly position: string | undefined;
  readonly internalPosition: string | undefined;
  readonly internalQuery: string | undefined;
  readonly where: string | undefined;
  readonly schema: string | undefined;
  readonly table: string | undefined;
  readonly column: string | undefined;
  readonly dataType: string | undefined;
  readonly constraint: string | undefined;
  readonly file: string | undefined;
  readonly line: string | undefined;
  readonly routine: string | undefined;
}

/** A statement that Postgres refused is an expected outcome; only outages are thrown. */
export type SqlOutcome<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly error: PostgresError };

export interface SqlBackend {
  /** Runs one statement in autocommit, in a session that starts clean and leaks nothing to the next request. */
  query(statement: SqlStatement): Promise<SqlOutcome<StatementResult>>;
  /** Runs the statements in order in one transaction; the first failure rolls all of them back. */
  transaction(statements: readonly SqlStatement[], options: TransactionOptions): Promise<SqlOutcome<StatementResult[]>>;
  close(): Promise<void>;
}
