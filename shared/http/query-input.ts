import type { Context } from "hono";
import { z } from "zod";
import type { Failure } from "../errors/failure";
import { err, type Result } from "../errors/result";
import { validate } from "./validate";

/**
 * A query string validated against the route's schema. A parameter given twice
 * is refused: which of the two counts would depend on the parser, so a filter
 * could be read one way here and another way by a proxy or a log.
 */
export function queryInput<S extends z.ZodType>(c: Context, schema: S): Result<z.infer<S>, Failure> {
  for (const [name, values] of Object.entries(c.req.queries())) {
    if (values.length > 1) return err({ reason: "invalid_request", field: `query.${printable(name)}`, message: `query.${printable(name)} is given more than once.` });
  }
  return validate(schema, c.req.query(), "query");
}

/** A whole number written in plain decimal digits: no sign, exponent, hex, fraction or spaces. */
export function queryInteger(min: number, max: number) {
  return z
    .string()
    .regex(/^[0-9]{1,9}$/, `must be a whole number from ${String(min)} to ${String(max)}, in decimal digits.`)
    .transform(Number)
    .pipe(z.number().int().min(min).max(max));
}

function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, "?").slice(0, 40);
}
