import type { IncomingHttpHeaders } from "node:http";
import type { OutputMode } from "./result-json";
import type { IsolationLevel, TransactionOptions } from "./sql-backend";

export interface RequestOptions {
  readonly output: OutputMode;
  readonly transaction: TransactionOptions;
}

export type RequestOptionsOutcome = { readonly ok: true; readonly value: RequestOptions } | { readonly ok: false; readonly message: string };

const ISOLATION_LEVELS: readonly IsolationLevel[] = ["ReadUncommitted", "ReadCommitted", "RepeatableRead", "Serializable"];

/** The Neon-* option headers. As on Neon, a flag is on only when its value is exactly `true`. */
export function readRequestOptions(headers: IncomingHttpHeaders): RequestOptionsOutcome {
  const level = header(headers, "neon-batch-isolation-level");
  const isolationLevel = ISOLATION_LEVELS.find((candidate) => candidate === level);
  if (level !== undefined && isolationLevel === undefined) return { ok: false, message: "invalid isolation level" };
  return {
    ok: true,
    value: {
      output: { arrayMode: flag(headers, "neon-array-mode"), rawTextOutput: flag(headers, "neon-raw-text-output") },
      transaction: { isolationLevel, readOnly: flag(headers, "neon-batch-read-only"), deferrable: flag(headers, "neon-batch-deferrable") },
    },
  };
}

export function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function flag(headers: IncomingHttpHeaders, name: string): boolean {
  return header(headers, name) === "true";
}
