import { randomUUID } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { z } from "zod";
import type { InboxEntry } from "./sandbox-message";

const inboxEntrySchema = z.strictObject({
  message: z.strictObject({
    id: z.string().min(1),
    to: z.string(),
    body: z.string(),
    provider: z.enum(["twilio", "sns"]),
    received_at: z.iso.datetime(),
  }),
  from: z.string().nullable(),
});

const inboxFileSchema = z.strictObject({ version: z.literal(1), entries: z.array(inboxEntrySchema) });

/** The saved entries, oldest first; none when the file does not exist yet. */
export async function readInboxFile(path: string): Promise<InboxEntry[]> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    if (isMissingFile(error)) return [];
    throw error;
  }
  const parsed = inboxFileSchema.safeParse(parseJson(text));
  if (!parsed.success) throw new Error(`${path} is not an SMS sandbox inbox file; move it away to start with an empty inbox`);
  return parsed.data.entries;
}

/** Writes to a temporary file beside the target and renames it over, so a crash never leaves half a file. */
export async function writeInboxFile(path: string, entries: readonly InboxEntry[]): Promise<void> {
  const payload = `${JSON.stringify({ version: 1, entries }, null, 2)}\n`;
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${randomUUID()}.tmp`;
  try {
    await writeFile(temporary, payload, { mode: 0o600 });
    await rename(temporary, path);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isMissingFile(error: unknown): boolean {
  return error instanceof Error && "code" in error && error.code === "ENOENT";
}
