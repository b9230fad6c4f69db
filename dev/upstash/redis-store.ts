import { ErrorReply, type RedisReply } from "./redis-reply";

/** A command is its name and arguments, all as strings, exactly as they arrived. */
export type RedisCommand = readonly string[];

/** Redis's answer to EXEC when a command was refused while queueing: nothing in the transaction ran. */
export const EXEC_ABORT = new ErrorReply("EXECABORT Transaction discarded because of previous errors.");

/** What the Upstash stand-in runs commands against: the embedded store or a real Redis. */
export interface RedisStore {
  /** Runs one command. A Redis error comes back as an ErrorReply; only an outage throws. */
  execute(command: RedisCommand): Promise<RedisReply>;
  /**
   * Runs the commands as one MULTI/EXEC: no other command interleaves. A command
   * that fails while running gives an ErrorReply in its place; one refused while
   * queueing (unknown, wrong arity) discards them all with EXEC_ABORT.
   */
  multi(commands: readonly RedisCommand[]): Promise<RedisReply[] | ErrorReply>;
  close(): Promise<void>;
}
