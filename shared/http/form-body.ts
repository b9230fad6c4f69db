import type { Context } from "hono";
import type { Failure } from "../errors/failure";
import { err, ok, type Result } from "../errors/result";
import { MAX_BODY_BYTES, readBodyText } from "./json-body";

export const FORM_MEDIA_TYPE = "application/x-www-form-urlencoded";

/**
 * Reads an `application/x-www-form-urlencoded` body (how Twilio posts webhooks):
 * at most MAX_BODY_BYTES, counted while streaming, UTF-8, every pair kept in order
 * (a name may repeat).
 */
export async function readFormBody(c: Context): Promise<Result<URLSearchParams, Failure>> {
  if (!isFormContentType(c.req.header("Content-Type"))) return err({ reason: "unsupported_media_type", expected: FORM_MEDIA_TYPE });
  const text = await readBodyText(c);
  if (!text.ok) return err(text.error === "payload_too_large" ? { reason: "payload_too_large", limitBytes: MAX_BODY_BYTES } : { reason: "invalid_request", field: "body", message: "The body is not valid UTF-8." });
  return ok(new URLSearchParams(text.value));
}

export function isFormContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.toLowerCase().split(";").map((part) => part.trim());
  if (type !== FORM_MEDIA_TYPE) return false;
  return params.every((param) => param === "" || param === "charset=utf-8");
}
