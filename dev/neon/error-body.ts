import type { PostgresError } from "./sql-backend";

/** Neon's error object: the same 17 keys for every error, `null` where a field is absent. */
export type NeonErrorBody = Readonly<Record<(typeof ERROR_KEYS)[number], string | null>>;

const ERROR_KEYS = [
  "message",
  "code",
  "detail",
  "hint",
  "position",
  "internalPosition",
  "internalQuery",
  "severity",
  "where",
  "table",
  "column",
  "schema",
  "dataType",
  "constraint",
  "file",
  "line",
  "routine",
] as const;

/** The error of a statement Postgres refused: every field of its ErrorResponse. */
export function databaseErrorBody(error: PostgresError): NeonErrorBody {
  return Object.fromEntries(ERROR_KEYS.map((key) => [key, error[key] ?? null])) as NeonErrorBody;
}

/** An error raised by the proxy itself (bad header, bad body, wrong password): `code` and `severity` are empty strings. */
export function proxyErrorBody(message: string): NeonErrorBody {
  const body: Record<string, string | null> = Object.fromEntries(ERROR_KEYS.map((key) => [key, null]));
  return { ...body, message, code: "", severity: "" } as NeonErrorBody;
}
