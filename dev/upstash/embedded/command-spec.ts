import type { RedisReply } from "../redis-reply";
import type { Keyspace } from "./keyspace";

export interface CommandContext {
  readonly keyspace: Keyspace;
  /** Unix ms, read once per command as Redis does. */
  readonly now: number;
}

/** Runs a command on its arguments (the name excluded); synchronous, so a command is atomic. */
export type CommandHandler = (args: readonly string[], context: CommandContext) => RedisReply;

export interface CommandSpec {
  /** Redis's arity, name included: n means exactly n, -n means at least n. */
  readonly arity: number;
  /** Whether the command may change the keyspace (which the snapshot file must then record). */
  readonly writes: boolean;
  readonly run: CommandHandler;
}

export type CommandTable = Readonly<Record<string, CommandSpec>>;

/** The argument at `index`, which the arity check already guaranteed. */
export function argument(args: readonly string[], index: number): string {
  const value = args[index];
  if (value === undefined) throw new Error(`argument ${index} is missing although the arity was checked`);
  return value;
}
