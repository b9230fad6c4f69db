import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import type { z } from "zod";

/**
 * Writes `text` to a temporary file beside `path` and renames it over, so a
 * crash never leaves half a file. Only the owner can read it: stand-in state
 * holds codes and tokens.
 */
export async function writeFileAtomically(path: string, text: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, text, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

/** True for the error of reading a file that is not there. */
export function isMissingFile(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}

/** JSON.parse, with `undefined` for text that is not JSON, for callers that validate the shape next. */
export function parseJsonOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/**
 * A state file written by `writeFileAtomically`, checked against `schema`; null when it does not
 * exist yet. A file of another shape stops the stand-in and names `what` it should have been.
 */
export async function readStateFile<T>(path: string, schema: z.ZodType<T>, what: string): Promise<T | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isMissingFile(error)) return null;
    throw error;
  }
  const parsed = schema.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) throw new Error(`${path} is not ${what}; move it away to start with an empty inbox`);
  return parsed.data;
}
