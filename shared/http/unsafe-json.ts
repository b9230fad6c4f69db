import type { JsonValue } from "./strict-json";

/**
 * Keys that mean an object's prototype to JavaScript. Refused anywhere in a body:
 * no field of the API (docs/api.md) has these names, and free-form objects (metadata) would
 * otherwise lose them silently to a schema, or hand them to clients that merge them.
 */
export const PROTOTYPE_KEYS: ReadonlySet<string> = new Set(["__proto__", "constructor", "prototype"]);

/** U+0000, which Postgres cannot store in text or jsonb, and surrogates without their other half (not Unicode text, RFC 7493 §2.1). */
const UNSTORABLE_TEXT = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

export interface UnsafeSpot {
  /** Dotted path of the offending key or value, as `invalid_request` names a field. */
  readonly field: string;
  readonly problem: "prototype_key" | "unstorable_text";
}

/** The first key or string in a parsed body that no route may accept, or null. */
export function findUnsafeJson(value: JsonValue, path: readonly string[] = []): UnsafeSpot | null {
  if (typeof value === "string") return UNSTORABLE_TEXT.test(value) ? spot(path, "unstorable_text") : null;
  if (value === null || typeof value !== "object") return null;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findUnsafeJson(item, [...path, String(index)]);
      if (found) return found;
    }
    return null;
  }
  for (const [key, item] of Object.entries(value)) {
    if (PROTOTYPE_KEYS.has(key)) return spot([...path, key], "prototype_key");
    if (UNSTORABLE_TEXT.test(key)) return spot([...path, printable(key)], "unstorable_text");
    const found = findUnsafeJson(item, [...path, key]);
    if (found) return found;
  }
  return null;
}

function spot(path: readonly string[], problem: UnsafeSpot["problem"]): UnsafeSpot {
  return { field: path.length === 0 ? "body" : path.map(printable).join("."), problem };
}

/** Field names are echoed in errors; keep them short and printable. */
function printable(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
}
