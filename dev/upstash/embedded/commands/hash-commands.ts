import { ErrorReply } from "../../redis-reply";
import { HASH_VALUE_NOT_AN_INTEGER, NOT_AN_INTEGER, WOULD_OVERFLOW, wrongArity } from "../redis-errors";
import { INT64_MAX, INT64_MIN, integerReply, parseInteger } from "../redis-numbers";
import { argument, type CommandContext, type CommandHandler, type CommandTable } from "../command-spec";

/** The hash at `key`, created (and stored) when missing; WRONGTYPE for another type. */
function hashForWrite({ keyspace, now }: CommandContext, key: string): Map<string, string> | ErrorReply {
  const existing = keyspace.lookupAs(key, "hash", now);
  if (existing !== undefined) return existing;
  const created = new Map<string, string>();
  keyspace.store(key, { type: "hash", data: created });
  return created;
}

const hset: CommandHandler = (args, context) => {
  if (args.length % 2 === 0) return wrongArity("hset");
  const hash = hashForWrite(context, argument(args, 0));
  if (hash instanceof ErrorReply) return hash;
  let added = 0;
  for (let i = 1; i < args.length; i += 2) {
    const field = argument(args, i);
    if (!hash.has(field)) added++;
    hash.set(field, argument(args, i + 1));
  }
  return added;
};

const hget: CommandHandler = (args, { keyspace, now }) => {
  const hash = keyspace.lookupAs(argument(args, 0), "hash", now);
  if (hash instanceof ErrorReply) return hash;
  return hash?.get(argument(args, 1)) ?? null;
};

const hmget: CommandHandler = (args, { keyspace, now }) => {
  const hash = keyspace.lookupAs(argument(args, 0), "hash", now);
  if (hash instanceof ErrorReply) return hash;
  return args.slice(1).map((field) => hash?.get(field) ?? null);
};

/** Fields in insertion order, as a small (listpack) hash keeps them in Redis. */
const hgetall: CommandHandler = (args, { keyspace, now }) => {
  const hash = keyspace.lookupAs(argument(args, 0), "hash", now);
  if (hash instanceof ErrorReply) return hash;
  return [...(hash ?? new Map<string, string>())].flat();
};

const hdel: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const hash = keyspace.lookupAs(key, "hash", now);
  if (hash === undefined || hash instanceof ErrorReply) return hash ?? 0;
  const removed = args.slice(1).filter((field) => hash.delete(field)).length;
  if (hash.size === 0) keyspace.delete(key);
  return removed;
};

const hincrby: CommandHandler = (args, context) => {
  const by = parseInteger(argument(args, 2));
  if (by === undefined) return NOT_AN_INTEGER;
  const key = argument(args, 0);
  const field = argument(args, 1);
  const existing = context.keyspace.lookupAs(key, "hash", context.now);
  if (existing instanceof ErrorReply) return existing;
  const current = existing?.get(field);
  const value = current === undefined ? 0n : parseInteger(current);
  if (value === undefined) return HASH_VALUE_NOT_AN_INTEGER;
  if ((by < 0n && value < 0n && by < INT64_MIN - value) || (by > 0n && value > 0n && by > INT64_MAX - value)) return WOULD_OVERFLOW;
  const next = value + by;
  const hash = hashForWrite(context, key);
  if (hash instanceof ErrorReply) return hash;
  hash.set(field, next.toString());
  return integerReply(next);
};

export const HASH_COMMANDS: CommandTable = {
  hset: { arity: -4, writes: true, run: hset },
  hget: { arity: 3, writes: false, run: hget },
  hmget: { arity: -3, writes: false, run: hmget },
  hgetall: { arity: 2, writes: false, run: hgetall },
  hdel: { arity: -3, writes: true, run: hdel },
  hincrby: { arity: 4, writes: true, run: hincrby },
};
