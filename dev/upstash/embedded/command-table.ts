import type { CommandTable } from "./command-spec";
import { HASH_COMMANDS } from "./commands/hash-commands";
import { KEY_COMMANDS } from "./commands/key-commands";
import { SERVER_COMMANDS } from "./commands/server-commands";
import { SET_COMMANDS } from "./commands/set-commands";
import { SORTED_SET_COMMANDS } from "./commands/sorted-set-commands";
import { STRING_COMMANDS } from "./commands/string-commands";

/** Every command the embedded store speaks, by lower-case name. */
export const COMMANDS: CommandTable = {
  ...SERVER_COMMANDS,
  ...STRING_COMMANDS,
  ...KEY_COMMANDS,
  ...HASH_COMMANDS,
  ...SET_COMMANDS,
  ...SORTED_SET_COMMANDS,
};
