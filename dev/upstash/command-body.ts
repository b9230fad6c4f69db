import { err, ok, type Result } from "../../shared/errors/result";
import type { RedisCommand } from "./redis-store";

/**
 * Reads the JSON bodies of Upstash's REST API. Arguments may be JSON strings,
 * numbers or booleans (the client sends `["set","k","v","ex",60]`); each
 * becomes the text Redis would receive.
 */
export function commandFromBody(text: string): Result<RedisCommand, string> {
  const json = parseJson(text);
  return json.ok ? asCommand(json.value) : json;
}

/** A /pipeline or /multi-exec body: a JSON array of commands. */
export function commandsFromBody(text: string): Result<RedisCommand[], string> {
  const json = parseJson(text);
  if (!json.ok) return json;
  if (!Array.isArray(json.value)) return err('ERR the body must be a JSON array of commands, e.g. [["SET","k","v"],["GET","k"]]');
  const commands: RedisCommand[] = [];
  for (const element of json.value as unknown[]) {
    const command = asCommand(element);
    if (!command.ok) return command;
    commands.push(command.value);
  }
  return ok(commands);
}

function asCommand(json: unknown): Result<RedisCommand, string> {
  if (!Array.isArray(json) || json.length === 0) return err('ERR a command must be a non-empty JSON array, e.g. ["GET","key"]');
  const command: string[] = [];
  for (const element of json as unknown[]) {
    const argument = argumentText(element);
    if (argument === undefined) return err("ERR command arguments must be JSON strings, numbers or booleans");
    command.push(argument);
  }
  return ok(command);
}

function argumentText(element: unknown): string | undefined {
  if (typeof element === "string") return element;
  if (typeof element === "number" || typeof element === "boolean") return String(element);
  return undefined;
}

function parseJson(text: string): Result<unknown, string> {
  try {
    return ok(JSON.parse(text) as unknown);
  } catch {
    return err("ERR the request body is not valid JSON");
  }
}
