import type { z } from "zod";
import type { Failure } from "../errors/failure";
import { err, ok, type Result } from "../errors/result";

/**
 * Validates a parsed body against a schema; the first problem becomes the
 * contract's `400 invalid_request` with the offending `field` (dotted path),
 * including keys the schema does not know, which are refused rather than ignored.
 *
 * Every message is the field's name followed by what it must be. A schema
 * gives that predicate itself where a rule needs explaining (`"must be 4 to 10
 * digits."`); otherwise it is written here from the kind of problem, so no
 * library wording ever reaches a client.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): Result<z.infer<S>, Failure> {
  let parsed: z.ZodSafeParseResult<z.infer<S>>;
  try {
    parsed = schema.safeParse(value, { error: predicate });
  } catch {
    // A check that throws on a hostile shape is bad input, not our failure: zod's length checks
    // run even after a type check failed and turn an object's `length` into a primitive, which
    // throws for the prototype-less objects our JSON parser makes (`{"uris": {"length": [{}]}}`).
    return err({ reason: "invalid_request", field: prefix || "body", message: "The request is not valid: a field has the wrong kind of value." });
  }
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  if (!issue) return err({ reason: "invalid_request", field: prefix || "body", message: "The request is not valid." });
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return err({ reason: "invalid_request", field: join(prefix, [...path, key]), message: `Unknown field '${truncate(key)}'.` });
  }
  const field = join(prefix, path) || "body";
  return err({ reason: "invalid_request", field, message: `${truncate(field)} ${issue.message}` });
}

function join(prefix: string, path: readonly string[]): string {
  return [prefix, ...path].filter((part) => part !== "").join(".");
}

const KINDS: Readonly<Record<string, string>> = {
  string: "text",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
  object: "an object",
  record: "an object",
  array: "a list",
  null: "null",
};

/** What the field must be, as plain words; the field's name is put in front by `validate`. */
function predicate(issue: z.core.$ZodRawIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return issue.input === undefined ? "is required." : `must be ${KINDS[issue.expected] ?? "of another kind"}.`;
    case "too_small":
      return bound(issue.origin, "least", Number(issue.minimum), issue.inclusive !== false);
    case "too_big":
      return bound(issue.origin, "most", Number(issue.maximum), issue.inclusive !== false);
    case "invalid_format":
      return issue.format === "email" ? "must be an email address." : "is not in the accepted format.";
    case "invalid_value": {
      const values = issue.values.map(String).join(", ");
      return values.length <= 200 ? `must be one of: ${values}.` : "must be one of the documented values.";
    }
    case "not_multiple_of":
      return `must be a multiple of ${String(issue.divisor)}.`;
    case "invalid_key":
      return "is not an accepted key.";
    default:
      return "is not valid.";
  }
}

function bound(origin: string, side: "least" | "most", limit: number, inclusive: boolean): string {
  switch (origin) {
    case "string":
      if (side === "least" && limit === 1) return "must not be empty.";
      return `must be at ${side} ${String(limit)} characters long.`;
    case "array":
    case "set":
      if (side === "least" && limit === 1) return "must list at least one item.";
      return `must list at ${side} ${String(limit)} items.`;
    default:
      if (!inclusive) return `must be ${side === "least" ? "more" : "less"} than ${String(limit)}.`;
      return `must be at ${side} ${String(limit)}.`;
  }
}

/** Unknown keys and field paths are echoed in messages; keep them short and printable. */
function truncate(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
}
