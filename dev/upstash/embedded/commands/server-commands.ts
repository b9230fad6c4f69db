import { wrongArity, SYNTAX_ERROR } from "../redis-errors";
import { argument, type CommandHandler, type CommandTable } from "../command-spec";

const ping: CommandHandler = (args) => {
  if (args.length > 1) return wrongArity("ping");
  return args[0] ?? "PONG";
};

/** Seconds and microseconds, as bulk strings; the clock reads milliseconds. */
const time: CommandHandler = (_args, { now }) => [String(Math.floor(now / 1000)), String((now % 1000) * 1000)];

/** FLUSHDB and FLUSHALL: the stand-in has one database, so both empty it. */
const flush: CommandHandler = (args, { keyspace }) => {
  if (args.length > 1) return SYNTAX_ERROR;
  const mode = args[0]?.toLowerCase();
  if (mode !== undefined && mode !== "sync" && mode !== "async") return SYNTAX_ERROR;
  keyspace.clear();
  return "OK";
};

export const SERVER_COMMANDS: CommandTable = {
  ping: { arity: -1, writes: false, run: ping },
  echo: { arity: 2, writes: false, run: (args) => argument(args, 0) },
  time: { arity: 1, writes: false, run: time },
  dbsize: { arity: 1, writes: false, run: (_args, { keyspace, now }) => keyspace.size(now) },
  flushdb: { arity: -1, writes: true, run: flush },
  flushall: { arity: -1, writes: true, run: flush },
};
