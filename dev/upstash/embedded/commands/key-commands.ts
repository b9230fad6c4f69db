import { ErrorReply, type RedisReply } from "../../redis-reply";
import { INVALID_CURSOR, invalidExpireTime, NOT_AN_INTEGER, SYNTAX_ERROR } from "../redis-errors";
import { INT64_MAX, INT64_MIN, parseInteger } from "../redis-numbers";
import { globMatches } from "../glob-match";
import { argument, type CommandContext, type CommandHandler, type CommandTable } from "../command-spec";

const del: CommandHandler = (args, { keyspace, now }) =>
  args.filter((key) => keyspace.lookup(key, now) !== undefined && keyspace.delete(key)).length;

/** A key named twice counts twice, as in Redis. */
const exists: CommandHandler = (args, { keyspace, now }) => args.filter((key) => keyspace.lookup(key, now) !== undefined).length;

interface ExpireFlags {
  readonly nx: boolean;
  readonly xx: boolean;
  readonly gt: boolean;
  readonly lt: boolean;
}

function parseExpireFlags(options: readonly string[]): ExpireFlags | ErrorReply {
  const flags = { nx: false, xx: false, gt: false, lt: false };
  for (const option of options) {
    const lower = option.toLowerCase();
    if (lower === "nx" || lower === "xx" || lower === "gt" || lower === "lt") flags[lower] = true;
    else return new ErrorReply(`ERR Unsupported option ${option}`);
  }
  if (flags.nx && (flags.xx || flags.gt || flags.lt)) return new ErrorReply("ERR NX and XX, GT or LT options at the same time are not compatible");
  if (flags.gt && flags.lt) return new ErrorReply("ERR GT and LT options at the same time are not compatible");
  return flags;
}

/** expireGenericCommand: EXPIRE, PEXPIRE, EXPIREAT and PEXPIREAT; a time in the past deletes the key. */
function expireCommand(command: string, unit: "seconds" | "milliseconds", relative: boolean): CommandHandler {
  return (args, { keyspace, now }) => {
    const key = argument(args, 0);
    const flags = parseExpireFlags(args.slice(2));
    if (flags instanceof ErrorReply) return flags;
    let at = parseInteger(argument(args, 1));
    if (at === undefined) return NOT_AN_INTEGER;
    if (unit === "seconds") {
      if (at > INT64_MAX / 1000n || at < INT64_MIN / 1000n) return invalidExpireTime(command);
      at *= 1000n;
    }
    const base = relative ? BigInt(now) : 0n;
    if (at > INT64_MAX - base) return invalidExpireTime(command);
    at += base;
    if (keyspace.lookup(key, now) === undefined) return 0;
    const current = keyspace.expiresAt(key);
    if (flags.nx && current !== undefined) return 0;
    if (flags.xx && current === undefined) return 0;
    if (flags.gt && (current === undefined || at <= BigInt(current))) return 0;
    if (flags.lt && current !== undefined && at >= BigInt(current)) return 0;
    if (at <= BigInt(now)) keyspace.delete(key);
    else keyspace.setExpiresAt(key, Number(at));
    return 1;
  };
}

function timeToLive(unit: "seconds" | "milliseconds"): CommandHandler {
  return (args, { keyspace, now }) => {
    const key = argument(args, 0);
    if (keyspace.lookup(key, now) === undefined) return -2;
    const expiresAt = keyspace.expiresAt(key);
    if (expiresAt === undefined) return -1;
    const remaining = Math.max(0, expiresAt - now);
    return unit === "milliseconds" ? remaining : Math.floor((remaining + 500) / 1000);
  };
}

const persist: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  return keyspace.lookup(key, now) !== undefined && keyspace.clearExpiry(key) ? 1 : 0;
};

const type: CommandHandler = (args, { keyspace, now }) => keyspace.lookup(argument(args, 0), now)?.type ?? "none";

const keys: CommandHandler = (args, { keyspace, now }) => {
  const pattern = argument(args, 0);
  return [...keyspace.keys(now)].filter((key) => globMatches(pattern, key));
};

const UINT64_MAX = 2n ** 64n - 1n;
const DEFAULT_SCAN_COUNT = 10;

function parseCursor(text: string): number | ErrorReply {
  if (!/^\+?[0-9]+$/.test(text) || BigInt(text) > UINT64_MAX) return INVALID_CURSOR;
  return Number(text);
}

interface ScanOptions {
  readonly count: number;
  readonly pattern: string | undefined;
  readonly type: string | undefined;
}

function parseScanOptions(options: readonly string[]): ScanOptions | ErrorReply {
  let count = DEFAULT_SCAN_COUNT;
  let pattern: string | undefined;
  let type: string | undefined;
  for (let i = 0; i < options.length; i += 2) {
    const option = argument(options, i).toLowerCase();
    const value = options[i + 1];
    if (value === undefined) return SYNTAX_ERROR;
    if (option === "count") {
      const parsed = parseInteger(value);
      if (parsed === undefined) return NOT_AN_INTEGER;
      if (parsed < 1n) return SYNTAX_ERROR;
      count = Number(parsed);
    } else if (option === "match") {
      pattern = value === "*" ? undefined : value;
    } else if (option === "type") {
      type = value.toLowerCase();
    } else return SYNTAX_ERROR;
  }
  return { count, pattern, type };
}

/** SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]: COUNT keys visited per call, then filtered. */
const scan: CommandHandler = (args, context) => {
  const cursor = parseCursor(argument(args, 0));
  if (cursor instanceof ErrorReply) return cursor;
  const options = parseScanOptions(args.slice(1));
  if (options instanceof ErrorReply) return options;
  return scanReply(context, cursor, options);
};

function scanReply({ keyspace, now }: CommandContext, cursor: number, options: ScanOptions): RedisReply {
  const page = keyspace.scan(cursor, options.count, now);
  const matching = page.keys.filter(
    (key) =>
      (options.pattern === undefined || globMatches(options.pattern, key)) &&
      (options.type === undefined || keyspace.lookup(key, now)?.type === options.type),
  );
  return [String(page.next), matching];
}

export const KEY_COMMANDS: CommandTable = {
  del: { arity: -2, writes: true, run: del },
  exists: { arity: -2, writes: false, run: exists },
  expire: { arity: -3, writes: true, run: expireCommand("expire", "seconds", true) },
  pexpire: { arity: -3, writes: true, run: expireCommand("pexpire", "milliseconds", true) },
  expireat: { arity: -3, writes: true, run: expireCommand("expireat", "seconds", false) },
  pexpireat: { arity: -3, writes: true, run: expireCommand("pexpireat", "milliseconds", false) },
  ttl: { arity: 2, writes: false, run: timeToLive("seconds") },
  pttl: { arity: 2, writes: false, run: timeToLive("milliseconds") },
  persist: { arity: 2, writes: true, run: persist },
  type: { arity: 2, writes: false, run: type },
  keys: { arity: 2, writes: false, run: keys },
  scan: { arity: -2, writes: false, run: scan },
};
