/**
 * How Neon turns JSON parameters into the text it binds: strings verbatim,
 * null as SQL NULL, other scalars and objects as their JSON text, arrays as
 * Postgres array literals (the official driver only ever sends strings and
 * nulls, but other HTTP callers may not).
 */
export function paramToText(value: unknown): string | null {
  if (value === null) return null;
  if (typeof value === "string") return value;
  if (Array.isArray(value)) return arrayLiteral(value);
  return JSON.stringify(value);
}

/** Inside an array a string must be quoted and escaped; Neon uses its JSON quoting for that. */
function arrayLiteral(values: readonly unknown[]): string {
  const items = values.map((value) => {
    if (value === null) return "NULL";
    if (Array.isArray(value)) return arrayLiteral(value);
    if (typeof value === "object") return JSON.stringify(JSON.stringify(value));
    return JSON.stringify(value);
  });
  return `{${items.join(",")}}`;
}
