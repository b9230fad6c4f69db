/**
 * Commands the stand-in refuses whatever the backend, so that the embedded
 * store and a real Redis behave alike for the application:
 * - scripts: Portcullis uses none, and the embedded store has no Lua VM;
 * - commands that change a connection's state, which would leak between the
 *   requests sharing the stand-in's Redis connection (Upstash has no
 *   connections to speak of either).
 */
const SCRIPT_COMMANDS = new Set(["eval", "evalsha", "eval_ro", "evalsha_ro", "script", "fcall", "fcall_ro", "function"]);
const CONNECTION_COMMANDS = new Set([
  "select", "swapdb", "move", "multi", "exec", "discard", "watch", "unwatch", "auth", "hello", "reset", "quit", "client",
  "monitor", "subscribe", "unsubscribe", "psubscribe", "punsubscribe", "ssubscribe", "sunsubscribe", "shutdown",
]);

/** The error text for a refused command, or undefined when the command may run. */
export function refusalOf(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (SCRIPT_COMMANDS.has(lower)) {
    return `ERR '${lower}' is not supported by the local Upstash stand-in: Portcullis uses no Lua scripts (dev/upstash/README.md)`;
  }
  if (CONNECTION_COMMANDS.has(lower)) {
    return `ERR '${lower}' is not supported by the local Upstash stand-in: it changes connection state (dev/upstash/README.md)`;
  }
  return undefined;
}
