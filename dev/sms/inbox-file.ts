import { z } from "zod";
import { readStateFile, writeFileAtomically } from "../support/files";
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
  return (await readStateFile(path, inboxFileSchema, "an SMS sandbox inbox file"))?.entries ?? [];
}

/** Written atomically: a crash never leaves half a file. */
export async function writeInboxFile(path: string, entries: readonly InboxEntry[]): Promise<void> {
  await writeFileAtomically(path, `${JSON.stringify({ version: 1, entries }, null, 2)}\n`);
}

