import { readFile } from "node:fs/promises";
import { z } from "zod";
import { Keyspace, type StoredValue } from "./keyspace";
import { formatDouble, parseDouble } from "./redis-numbers";
import { SortedSet } from "./sorted-set";
import { isMissingFile, parseJsonOrUndefined } from "../../support/files";

const FORMAT = "portcullis-embedded-redis";

const expiresAt = z.number().int().positive().optional();
const SnapshotEntry = z.discriminatedUnion("type", [
  z.strictObject({ key: z.string(), type: z.literal("string"), value: z.string(), expiresAt }),
  z.strictObject({ key: z.string(), type: z.literal("hash"), value: z.array(z.tuple([z.string(), z.string()])), expiresAt }),
  z.strictObject({ key: z.string(), type: z.literal("set"), value: z.array(z.string()), expiresAt }),
  // Scores as Redis prints them, so that inf and -inf survive JSON.
  z.strictObject({ key: z.string(), type: z.literal("zset"), value: z.array(z.tuple([z.string(), z.string()])), expiresAt }),
]);
const Snapshot = z.strictObject({ format: z.literal(FORMAT), version: z.literal(1), keys: z.array(SnapshotEntry) });

type SnapshotEntry = z.infer<typeof SnapshotEntry>;

/** The keyspace as the snapshot file's JSON; keys already expired are left out. */
export function renderSnapshot(keyspace: Keyspace, now: number): string {
  const keys: SnapshotEntry[] = [];
  for (const { key, value, expiresAt: at } of keyspace.entries()) {
    if (at !== undefined && at <= now) continue;
    keys.push({ key, ...snapshotValue(value), ...(at === undefined ? {} : { expiresAt: at }) });
  }
  return JSON.stringify({ format: FORMAT, version: 1, keys });
}

type SnapshotValue = SnapshotEntry extends infer Entry ? (Entry extends unknown ? Omit<Entry, "key" | "expiresAt"> : never) : never;

function snapshotValue(value: StoredValue): SnapshotValue {
  switch (value.type) {
    case "string":
      return { type: "string", value: value.data };
    case "hash":
      return { type: "hash", value: [...value.data] };
    case "set":
      return { type: "set", value: [...value.data] };
    case "zset":
      return { type: "zset", value: value.data.all().map(({ member, score }): [string, string] => [member, formatDouble(score)]) };
  }
}

/** Reads a snapshot file into a keyspace; a missing file is an empty keyspace, an unreadable one an error. */
export async function loadSnapshot(file: string, now: number): Promise<Keyspace> {
  const keyspace = new Keyspace();
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if (isMissingFile(error)) return keyspace;
    throw error;
  }
  const parsed = Snapshot.safeParse(parseJsonOrUndefined(text));
  if (!parsed.success) {
    throw new Error(`the embedded Redis snapshot ${file} is not readable (${z.prettifyError(parsed.error)}); move it aside to start empty`);
  }
  for (const entry of parsed.data.keys) {
    if (entry.expiresAt !== undefined && entry.expiresAt <= now) continue;
    keyspace.store(entry.key, storedValue(entry, file));
    if (entry.expiresAt !== undefined) keyspace.setExpiresAt(entry.key, entry.expiresAt);
  }
  return keyspace;
}

function storedValue(entry: SnapshotEntry, file: string): StoredValue {
  switch (entry.type) {
    case "string":
      return { type: "string", data: entry.value };
    case "hash":
      return { type: "hash", data: new Map(entry.value) };
    case "set":
      return { type: "set", data: new Set(entry.value) };
    case "zset": {
      const zset = new SortedSet();
      for (const [member, scoreText] of entry.value) {
        const score = parseDouble(scoreText);
        if (score === undefined) throw new Error(`the embedded Redis snapshot ${file} has a score that is not a number: ${scoreText}`);
        zset.set(member, score);
      }
      return { type: "zset", data: zset };
    }
  }
}
