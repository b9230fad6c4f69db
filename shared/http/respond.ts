import type { Context } from "hono";
import type { z } from "zod";
import type { Failure } from "../errors/failure";
import { err, type Result } from "../errors/result";
import { failureToResponse } from "./error-body";
import { readJsonBody } from "./json-body";
import { validate } from "./validate";

/** A JSON body read strictly and validated against the route's schema. */
export async function jsonInput<S extends z.ZodType>(c: Context, schema: S): Promise<Result<z.infer<S>, Failure>> {
  const body = await readJsonBody(c);
  if (!body.ok) return err(body.error);
  return validate(schema, body.value);
}

/** A service result on the wire: the value as JSON with `status`, or the failure's contract error. */
export function respond<T>(result: Result<T, Failure>, status: 200 | 201 | 202 = 200): Response {
  if (!result.ok) return failureToResponse(result.error);
  return new Response(JSON.stringify(result.value), {
    status,
    headers: { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store" },
  });
}

export function noContent(result: Result<unknown, Failure>): Response {
  return result.ok ? new Response(null, { status: 204 }) : failureToResponse(result.error);
}

/** `Authorization: Bearer <token>`, or null; a scheme other than Bearer counts as missing. */
/** Structural, so any route's context fits whatever its path and input types. */
export function bearerToken(c: { req: { header(name: string): string | undefined } }): string | null {
  const header = c.req.header("Authorization");
  if (!header) return null;
  const match = /^Bearer ([A-Za-z0-9._~+/=-]{1,8192})$/.exec(header.trim());
  return match?.[1] ?? null;
}
