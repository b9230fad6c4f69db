import { ErrorReply, type RedisReply } from "../redis-reply";
import { EXEC_ABORT, type RedisCommand, type RedisStore } from "../redis-store";
import { refusalOf } from "../refused-commands";
import type { CommandSpec } from "./command-spec";
import { COMMANDS } from "./command-table";
import { Keyspace } from "./keyspace";
import { unknownCommand, wrongArity } from "./redis-errors";
import { loadSnapshot, renderSnapshot } from "./snapshot-file";
import { SnapshotWriter } from "./snapshot-writer";

/** How often expired keys that nobody reads are removed (Redis's active expiry, simplified). */
export const EXPIRY_SWEEP_INTERVAL_MS = 1_000;

export interface EmbeddedStoreOptions {
  /** Where the keyspace persists as JSON; in memory only when undefined. */
  readonly file: string | undefined;
}

/**
 * An in-process Redis for the commands Portcullis uses. Commands run
 * synchronously, so each command, and each MULTI/EXEC, is atomic.
 */
export async function openEmbeddedStore(options: EmbeddedStoreOptions): Promise<RedisStore> {
  const keyspace = options.file === undefined ? new Keyspace() : await loadSnapshot(options.file, Date.now());
  const writer = options.file === undefined ? undefined : new SnapshotWriter(options.file, () => renderSnapshot(keyspace, Date.now()));
  return new EmbeddedStore(keyspace, writer);
}

class EmbeddedStore implements RedisStore {
  readonly #keyspace: Keyspace;
  readonly #writer: SnapshotWriter | undefined;
  readonly #sweeper: NodeJS.Timeout;
  #closed = false;

  constructor(keyspace: Keyspace, writer: SnapshotWriter | undefined) {
    this.#keyspace = keyspace;
    this.#writer = writer;
    this.#sweeper = setInterval(() => {
      if (keyspace.sweep(Date.now()) > 0) writer?.changed();
    }, EXPIRY_SWEEP_INTERVAL_MS);
    this.#sweeper.unref();
  }

  execute(command: RedisCommand): Promise<RedisReply> {
    return this.#whenOpen(() => {
      const spec = resolve(command);
      return spec instanceof ErrorReply ? spec : this.#run(spec, command.slice(1));
    });
  }

  /** Redis checks each command as it is queued; one refused there discards the transaction. */
  multi(commands: readonly RedisCommand[]): Promise<RedisReply[] | ErrorReply> {
    return this.#whenOpen(() => {
      const queued: { spec: CommandSpec; args: readonly string[] }[] = [];
      for (const command of commands) {
        const spec = resolve(command);
        if (spec instanceof ErrorReply) return EXEC_ABORT;
        queued.push({ spec, args: command.slice(1) });
      }
      return queued.map(({ spec, args }) => this.#run(spec, args));
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    clearInterval(this.#sweeper);
    await this.#writer?.flush();
  }

  #run(spec: CommandSpec, args: readonly string[]): RedisReply {
    const reply = spec.run(args, { keyspace: this.#keyspace, now: Date.now() });
    if (spec.writes) this.#writer?.changed();
    return reply;
  }

  /** Runs synchronously, so atomically; a closed store rejects like a lost connection would. */
  #whenOpen<T>(run: () => T): Promise<T> {
    if (this.#closed) return Promise.reject(new Error("the embedded Redis store is closed"));
    return Promise.resolve(run());
  }
}

/** The command's spec, or the error Redis gives before running it: refused, unknown or wrong arity. */
function resolve(command: RedisCommand): CommandSpec | ErrorReply {
  const [name, ...args] = command;
  if (name === undefined) return new ErrorReply("ERR empty command");
  const refusal = refusalOf(name);
  if (refusal !== undefined) return new ErrorReply(refusal);
  const lower = name.toLowerCase();
  const spec = Object.hasOwn(COMMANDS, lower) ? COMMANDS[lower] : undefined;
  if (spec === undefined) return unknownCommand(name, args);
  const count = command.length;
  if ((spec.arity > 0 && count !== spec.arity) || count < -spec.arity) return wrongArity(lower);
  return spec;
}
