import { ErrorReply, isStringReply, type RedisReply, type StringReply } from "./redis-reply";

/** One entry of a /pipeline or /multi-exec answer, and the body of a single command's answer. */
export type ReplyEntry = { readonly result: unknown } | { readonly error: string };

/**
 * A reply as Upstash puts it in JSON. With `Upstash-Encoding: base64` every
 * string is base64 of its raw bytes, recursively in arrays, except a top-level
 * "OK" (the client keeps a top-level "OK" as is, but would decode one inside an
 * array to garbage, so there it is encoded too). Numbers, null and error texts
 * are never encoded. Without the header, bytes that are not UTF-8 become U+FFFD.
 */
export function replyEntry(reply: RedisReply, base64: boolean): ReplyEntry {
  if (reply instanceof ErrorReply) return { error: reply.message };
  return { result: jsonValue(reply, base64, true) };
}

function jsonValue(reply: RedisReply, base64: boolean, topLevel: boolean): unknown {
  if (reply === null || typeof reply === "number") return reply;
  if (reply instanceof ErrorReply) return { error: reply.message };
  if (isStringReply(reply)) return base64 ? encodedString(reply, topLevel) : textOf(reply);
  return reply.map((element) => jsonValue(element, base64, false));
}

function encodedString(reply: StringReply, topLevel: boolean): string {
  const bytes = typeof reply === "string" ? Buffer.from(reply, "utf8") : reply;
  if (topLevel && bytes.equals(OK)) return "OK";
  return bytes.toString("base64");
}

const OK = Buffer.from("OK");

function textOf(reply: StringReply): string {
  return typeof reply === "string" ? reply : reply.toString("utf8");
}
