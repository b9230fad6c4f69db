import { ErrorReply, type RedisReply } from "../../redis-reply";
import {
  DECREMENT_WOULD_OVERFLOW, invalidExpireTime, NOT_AN_INTEGER, SYNTAX_ERROR, WOULD_OVERFLOW, wrongArity,
} from "../redis-errors";
import { INT64_MAX, INT64_MIN, integerReply, parseInteger } from "../redis-numbers";
import { argument, type CommandContext, type CommandHandler, type CommandTable } from "../command-spec";

type ExpireUnit = "ex" | "px" | "exat" | "pxat";
const EXPIRE_UNITS: ReadonlySet<string> = new Set<ExpireUnit>(["ex", "px", "exat", "pxat"]);

interface SetOptions {
  readonly condition: "nx" | "xx" | undefined;
  readonly get: boolean;
  readonly keepTtl: boolean;
  readonly expire: { readonly unit: ExpireUnit; readonly amount: string } | undefined;
}

const NO_OPTIONS: SetOptions = { condition: undefined, get: false, keepTtl: false, expire: undefined };

/** SET's options as Redis parses them: each excludes its rivals, but may repeat (the last EX wins). */
function parseSetOptions(options: readonly string[]): SetOptions | ErrorReply {
  let condition: SetOptions["condition"];
  let get = false;
  let keepTtl = false;
  let expire: SetOptions["expire"];
  for (let i = 0; i < options.length; i++) {
    const option = argument(options, i).toLowerCase();
    const next = options[i + 1];
    if (option === "nx" && condition !== "xx") condition = "nx";
    else if (option === "xx" && condition !== "nx") condition = "xx";
    else if (option === "get") get = true;
    else if (option === "keepttl" && expire === undefined) keepTtl = true;
    else if (EXPIRE_UNITS.has(option) && !keepTtl && (expire === undefined || expire.unit === option) && next !== undefined) {
      expire = { unit: option as ExpireUnit, amount: next };
      i++;
    } else return SYNTAX_ERROR;
  }
  return { condition, get, keepTtl, expire };
}

/** The absolute expiry in Unix ms, with Redis's checks and messages (getExpireMillisecondsOrReply). */
function expiryOf(expire: NonNullable<SetOptions["expire"]>, command: string, now: number): number | ErrorReply {
  const amount = parseInteger(expire.amount);
  if (amount === undefined) return NOT_AN_INTEGER;
  const inSeconds = expire.unit === "ex" || expire.unit === "exat";
  if (amount <= 0n || (inSeconds && amount > INT64_MAX / 1000n)) return invalidExpireTime(command);
  let at = inSeconds ? amount * 1000n : amount;
  if (expire.unit === "ex" || expire.unit === "px") at += BigInt(now);
  if (at > INT64_MAX) return invalidExpireTime(command);
  return Number(at);
}

/** setGenericCommand: the shared body of SET, SETEX and PSETEX. */
function setValue(context: CommandContext, command: string, key: string, value: string, options: SetOptions): RedisReply {
  const { keyspace, now } = context;
  const expiresAt = options.expire ? expiryOf(options.expire, command, now) : undefined;
  if (expiresAt instanceof ErrorReply) return expiresAt;
  let previous: string | null = null;
  if (options.get) {
    const current = keyspace.lookupAs(key, "string", now);
    if (current instanceof ErrorReply) return current;
    previous = current ?? null;
  }
  const found = keyspace.lookup(key, now) !== undefined;
  if ((options.condition === "nx" && found) || (options.condition === "xx" && !found)) return previous;
  keyspace.store(key, { type: "string", data: value }, { keepTtl: options.keepTtl });
  if (expiresAt !== undefined) keyspace.setExpiresAt(key, expiresAt);
  return options.get ? previous : "OK";
}

const set: CommandHandler = (args, context) => {
  const options = parseSetOptions(args.slice(2));
  if (options instanceof ErrorReply) return options;
  return setValue(context, "set", argument(args, 0), argument(args, 1), options);
};

function setWithExpiry(command: "setex" | "psetex"): CommandHandler {
  const unit = command === "setex" ? "ex" : "px";
  return (args, context) =>
    setValue(context, command, argument(args, 0), argument(args, 2), { ...NO_OPTIONS, expire: { unit, amount: argument(args, 1) } });
}

const get: CommandHandler = (args, { keyspace, now }) => keyspace.lookupAs(argument(args, 0), "string", now) ?? null;

const getdel: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const value = keyspace.lookupAs(key, "string", now);
  if (value === undefined || value instanceof ErrorReply) return value ?? null;
  keyspace.delete(key);
  return value;
};

const mget: CommandHandler = (args, { keyspace, now }) =>
  args.map((key) => {
    const value = keyspace.lookup(key, now);
    return value?.type === "string" ? value.data : null;
  });

const mset: CommandHandler = (args, { keyspace }) => {
  if (args.length % 2 !== 0) return wrongArity("mset");
  for (let i = 0; i < args.length; i += 2) keyspace.store(argument(args, i), { type: "string", data: argument(args, i + 1) });
  return "OK";
};

/** incrDecrCommand: the key keeps its TTL. */
function incrementBy(context: CommandContext, key: string, by: bigint): RedisReply {
  const { keyspace, now } = context;
  const current = keyspace.lookupAs(key, "string", now);
  if (current instanceof ErrorReply) return current;
  const value = current === undefined ? 0n : parseInteger(current);
  if (value === undefined) return NOT_AN_INTEGER;
  if ((by < 0n && value < 0n && by < INT64_MIN - value) || (by > 0n && value > 0n && by > INT64_MAX - value)) return WOULD_OVERFLOW;
  const next = value + by;
  keyspace.store(key, { type: "string", data: next.toString() }, { keepTtl: true });
  return integerReply(next);
}

const incrby: CommandHandler = (args, context) => {
  const by = parseInteger(argument(args, 1));
  return by === undefined ? NOT_AN_INTEGER : incrementBy(context, argument(args, 0), by);
};

const decrby: CommandHandler = (args, context) => {
  const by = parseInteger(argument(args, 1));
  if (by === undefined) return NOT_AN_INTEGER;
  if (by === INT64_MIN) return DECREMENT_WOULD_OVERFLOW;
  return incrementBy(context, argument(args, 0), -by);
};

export const STRING_COMMANDS: CommandTable = {
  get: { arity: 2, writes: false, run: get },
  set: { arity: -3, writes: true, run: set },
  setex: { arity: 4, writes: true, run: setWithExpiry("setex") },
  psetex: { arity: 4, writes: true, run: setWithExpiry("psetex") },
  getdel: { arity: 2, writes: true, run: getdel },
  mget: { arity: -2, writes: false, run: mget },
  mset: { arity: -3, writes: true, run: mset },
  incr: { arity: 2, writes: true, run: (args, context) => incrementBy(context, argument(args, 0), 1n) },
  decr: { arity: 2, writes: true, run: (args, context) => incrementBy(context, argument(args, 0), -1n) },
  incrby: { arity: 3, writes: true, run: incrby },
  decrby: { arity: 3, writes: true, run: decrby },
};
