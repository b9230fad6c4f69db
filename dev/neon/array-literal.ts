/** A parsed Postgres array: elements are the elements' text (`null` for NULL) or nested arrays. */
export type ArrayItems = (string | null | ArrayItems)[];

/**
 * Reads the text output of a Postgres array (`{1,NULL,"a \"b\""}`, nested
 * braces, optional `[1:2]=` bounds, which JSON cannot carry and are dropped).
 * The delimiter is always a comma, as on Neon (only `box` uses another).
 */
export function parseArrayLiteral(text: string): ArrayItems {
  const source = text.startsWith("[") ? text.slice(text.indexOf("=") + 1) : text;
  const reader = { text: source, at: 0 };
  skipSpace(reader);
  const items = readArray(reader);
  skipSpace(reader);
  if (reader.at !== reader.text.length) throw new Error("unbalanced array");
  return items;
}

interface Reader {
  readonly text: string;
  at: number;
}

function readArray(reader: Reader): ArrayItems {
  expect(reader, "{");
  const items: ArrayItems = [];
  skipSpace(reader);
  if (peek(reader) === "}") {
    reader.at++;
    return items;
  }
  for (;;) {
    skipSpace(reader);
    items.push(readItem(reader));
    skipSpace(reader);
    const next = peek(reader);
    reader.at++;
    if (next === "}") return items;
    if (next !== ",") throw new Error("unbalanced array");
  }
}

function readItem(reader: Reader): string | null | ArrayItems {
  const first = peek(reader);
  if (first === "{") return readArray(reader);
  if (first === '"') return readQuoted(reader);
  const start = reader.at;
  while (reader.at < reader.text.length && peek(reader) !== "," && peek(reader) !== "}") reader.at++;
  if (reader.at >= reader.text.length) throw new Error("unbalanced array");
  const item = reader.text.slice(start, reader.at).trimEnd();
  return item === "NULL" ? null : item;
}

function readQuoted(reader: Reader): string {
  reader.at++;
  let value = "";
  for (;;) {
    const char = reader.text[reader.at++];
    if (char === undefined) throw new Error("unbalanced quoted string");
    if (char === '"') return value;
    if (char === "\\") {
      const escaped = reader.text[reader.at++];
      if (escaped === undefined) throw new Error("unbalanced quoted string");
      value += escaped;
    } else {
      value += char;
    }
  }
}

function expect(reader: Reader, char: string): void {
  if (peek(reader) !== char) throw new Error("unbalanced array");
  reader.at++;
}

function peek(reader: Reader): string | undefined {
  return reader.text[reader.at];
}

function skipSpace(reader: Reader): void {
  while (reader.at < reader.text.length && /\s/.test(reader.text[reader.at] ?? "")) reader.at++;
}
