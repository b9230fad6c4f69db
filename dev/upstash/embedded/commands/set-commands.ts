import { ErrorReply } from "../../redis-reply";
import { argument, type CommandHandler, type CommandTable } from "../command-spec";

const sadd: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const existing = keyspace.lookupAs(key, "set", now);
  if (existing instanceof ErrorReply) return existing;
  const set = existing ?? new Set<string>();
  if (existing === undefined) keyspace.store(key, { type: "set", data: set });
  let added = 0;
  for (const member of args.slice(1)) {
    if (!set.has(member)) added++;
    set.add(member);
  }
  return added;
};

const srem: CommandHandler = (args, { keyspace, now }) => {
  const key = argument(args, 0);
  const set = keyspace.lookupAs(key, "set", now);
  if (set === undefined || set instanceof ErrorReply) return set ?? 0;
  const removed = args.slice(1).filter((member) => set.delete(member)).length;
  if (set.size === 0) keyspace.delete(key);
  return removed;
};

/** Members in insertion order; Redis promises no order, so callers must not rely on one. */
const smembers: CommandHandler = (args, { keyspace, now }) => {
  const set = keyspace.lookupAs(argument(args, 0), "set", now);
  if (set instanceof ErrorReply) return set;
  return [...(set ?? [])];
};

const sismember: CommandHandler = (args, { keyspace, now }) => {
  const set = keyspace.lookupAs(argument(args, 0), "set", now);
  if (set instanceof ErrorReply) return set;
  return set?.has(argument(args, 1)) ? 1 : 0;
};

const scard: CommandHandler = (args, { keyspace, now }) => {
  const set = keyspace.lookupAs(argument(args, 0), "set", now);
  if (set instanceof ErrorReply) return set;
  return set?.size ?? 0;
};

export const SET_COMMANDS: CommandTable = {
  sadd: { arity: -3, writes: true, run: sadd },
  srem: { arity: -3, writes: true, run: srem },
  smembers: { arity: 2, writes: false, run: smembers },
  sismember: { arity: 3, writes: false, run: sismember },
  scard: { arity: 2, writes: false, run: scard },
};
