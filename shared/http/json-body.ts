import type { Context } from "hono";
import type { Failure } from "../errors/failure";
import { err, ok, type Result } from "../errors/result";
import { parseStrictJson, type JsonValue } from "./strict-json";
import { findUnsafeJson } from "./unsafe-json";

/** The contract's body cap. */
export const MAX_BODY_BYTES = 16 * 1024;

/**
 * Reads a JSON request body: `application/json` only, at most MAX_BODY_BYTES
 * (counted while streaming, so a lying or absent Content-Length does not help),
 * strictly parsed, with no prototype keys and no text Postgres cannot store.
 */
export async function readJsonBody(c: Context): Promise<Result<JsonValue, Failure>> {
  if (!isJsonContentType(c.req.header("Content-Type"))) return err({ reason: "unsupported_media_type" });
  const text = await readBodyText(c);
  if (!text.ok) return err(text.error === "payload_too_large" ? { reason: "payload_too_large", limitBytes: MAX_BODY_BYTES } : { reason: "invalid_json", message: "The body is not valid UTF-8." });
  const parsed = parseStrictJson(text.value);
  if (!parsed.ok) return err({ reason: "invalid_json", message: `The body is not valid JSON: ${parsed.error}.` });
  const unsafe = findUnsafeJson(parsed.value);
  if (unsafe) return err({ reason: "invalid_request", field: unsafe.field, message: UNSAFE_MESSAGES[unsafe.problem] });
  return ok(parsed.value);
}

const UNSAFE_MESSAGES = {
  prototype_key: "The keys __proto__, constructor and prototype are not accepted.",
  unstorable_text: "Text may not contain U+0000 or unpaired surrogates.",
} as const;

/**
 * For routes that take no body: nothing, or an empty JSON object, is accepted;
 * anything else is refused rather than ignored.
 */
export async function expectNoBody(c: Context): Promise<Result<null, Failure>> {
  const bytes = await readCapped(c.req.raw.body, MAX_BODY_BYTES);
  if (bytes === null) return err({ reason: "payload_too_large", limitBytes: MAX_BODY_BYTES });
  const text = new TextDecoder().decode(bytes).trim();
  if (text === "" || text === "{}") return ok(null);
  return err({ reason: "invalid_request", field: "body", message: "This endpoint takes no body." });
}

export function isJsonContentType(value: string | undefined): boolean {
  if (!value) return false;
  const [type, ...params] = value.toLowerCase().split(";").map((part) => part.trim());
  if (type !== "application/json") return false;
  return params.every((param) => param === "" || param === "charset=utf-8");
}

/** The whole body, counted while streaming; null once it passes `limit` bytes (the rest is not read). */
export async function readCapped(body: ReadableStream<Uint8Array> | null, limit: number): Promise<Uint8Array | null> {
  if (!body) return new Uint8Array(0);
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return null;
    }
    chunks.push(value);
  }
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** The body as UTF-8 text, at most MAX_BODY_BYTES, counted while streaming whatever Content-Length claims. */
export async function readBodyText(c: Context): Promise<Result<string, "payload_too_large" | "not_utf8">> {
  const declared = Number(c.req.header("Content-Length") ?? "0");
  if (declared > MAX_BODY_BYTES) return err("payload_too_large");
  const bytes = await readCapped(c.req.raw.body, MAX_BODY_BYTES);
  if (bytes === null) return err("payload_too_large");
  try {
    return ok(new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes));
  } catch {
    return err("not_utf8");
  }
}
