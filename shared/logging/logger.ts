export type LogLevel = "debug" | "info" | "warn" | "error";

const RANK: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(event: string, fields?: Record<string, unknown>): void;
  info(event: string, fields?: Record<string, unknown>): void;
  warn(event: string, fields?: Record<string, unknown>): void;
  error(event: string, fields?: Record<string, unknown>): void;
}

/**
 * One JSON object per line. Callers pass named fields, never whole requests or
 * bodies, so a code, token, key or phone number cannot slip into a log by accident.
 */
export function createLogger(component: string, minimum: LogLevel): Logger {
  const emit = (level: LogLevel, event: string, fields: Record<string, unknown> = {}) => {
    if (RANK[level] < RANK[minimum]) return;
    const line = JSON.stringify({ level, component, event, ...fields, at: new Date().toISOString() });
    if (level === "error") console.error(line);
    else if (level === "warn") console.warn(line);
    else console.log(line);
  };
  return {
    debug: (event, fields) => emit("debug", event, fields),
    info: (event, fields) => emit("info", event, fields),
    warn: (event, fields) => emit("warn", event, fields),
    error: (event, fields) => emit("error", event, fields),
  };
}
