import type { StatementResult } from "./sql-backend";
import { typedValue } from "./typed-value";

export interface OutputMode {
  /** Rows as arrays (what the official driver always asks for) rather than objects keyed by column name. */
  readonly arrayMode: boolean;
  /** Cells as Postgres text (what the official driver always asks for) rather than typed JSON. */
  readonly rawTextOutput: boolean;
}

/** One statement's reply object, keys as Neon writes them. */
export function resultJson(result: StatementResult, mode: OutputMode): Record<string, unknown> {
  const { fields } = result;
  const rows = result.rows.map((row) => {
    const cells = row.map((cell, index) => {
      if (cell === null || mode.rawTextOutput) return cell;
      return typedValue(cell, fields[index]?.dataTypeID ?? 0);
    });
    // Like Neon, a repeated column name keeps the last value in object mode.
    return mode.arrayMode ? cells : Object.fromEntries(fields.map((field, index) => [field.name, cells[index] ?? null]));
  });
  return {
    fields: fields.map((field) => ({ ...field, format: "text" })),
    rows,
    command: result.command,
    rowCount: result.rowCount,
    rowAsArray: mode.arrayMode,
  };
}
