import type { z } from "zod";
import type { Failure } from "../errors/failure";
import { err, ok, type Result } from "../errors/result";

/**
 * Validates a parsed body against a schema; the first problem becomes the
 * contract's `400 invalid_request` with the offending `field` (dotted path),
 * including keys the schema does not know, which are refused rather than ignored.
 */
export function validate<S extends z.ZodType>(schema: S, value: unknown, prefix = ""): Result<z.infer<S>, Failure> {
  const parsed = schema.safeParse(value);
  if (parsed.success) return ok(parsed.data);
  const issue = parsed.error.issues[0];
  if (!issue) return err({ reason: "invalid_request", field: prefix || "body", message: "The request is not valid." });
  const path = issue.path.map(String);
  if (issue.code === "unrecognized_keys") {
    const key = issue.keys[0] ?? "";
    return err({ reason: "invalid_request", field: join(prefix, [...path, key]), message: `Unknown field '${truncate(key)}'.` });
  }
  const field = join(prefix, path) || "body";
  return err({ reason: "invalid_request", field, message: describe(issue) });
}

function join(prefix: string, path: readonly string[]): string {
  return [prefix, ...path].filter((part) => part !== "").join(".");
}

function describe(issue: z.core.$ZodIssue): string {
  switch (issue.code) {
    case "invalid_type":
      return `Expected ${issue.expected}.`;
    case "too_small":
      return `Too small: the minimum is ${String(issue.minimum)}.`;
    case "too_big":
      return `Too big: the maximum is ${String(issue.maximum)}.`;
    case "invalid_format":
      return "Not in the expected format.";
    case "invalid_value":
      return "Not one of the allowed values.";
    default:
      return issue.message.slice(0, 200);
  }
}

/** Unknown keys are echoed in messages; keep them short and printable. */
function truncate(key: string): string {
  return key.replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
}
