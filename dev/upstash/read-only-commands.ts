import { COMMANDS } from "./embedded/command-table";

/** Reads Upstash refuses to read-only tokens anyway: they walk the whole keyspace. */
const KEYSPACE_WALKS = new Set(["keys", "scan"]);

/**
 * Whether a read-only token may run the command: a known command that never
 * writes and does not walk the keyspace. Anything else is refused, whichever
 * backend runs it, so an unknown command cannot slip a write through.
 */
export function readOnlyAllows(name: string): boolean {
  const lower = name.toLowerCase();
  const spec = COMMANDS[lower];
  return spec !== undefined && !spec.writes && !KEYSPACE_WALKS.has(lower);
}

export function readOnlyRefusal(name: string): string {
  return `NOPERM this user has no permissions to run the '${name.toLowerCase()}' command`;
}
