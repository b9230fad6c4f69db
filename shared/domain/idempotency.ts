import type { JsonValue } from "../http/strict-json";

/** The request header; optional on every admin write. */
export const IDEMPOTENCY_KEY_HEADER = "Idempotency-Key";
/** Set on a response that repeats a stored one instead of running the request again. */
export const IDEMPOTENT_REPLAYED_HEADER = "Idempotent-Replayed";

/** 1–255 visible ASCII characters (0x21–0x7E): no spaces, controls or anything a log or header could misread. */
const KEY_PATTERN = /^[\x21-\x7e]{1,255}$/;

/** How long a key is remembered: a retry within a day gets the first answer; later the key is free again. */
export const IDEMPOTENCY_RECORD_SECONDS = 24 * 3600;
/** An in-progress claim older than this belongs to a request that crashed; another request may take it over. */
export const IDEMPOTENCY_CLAIM_SECONDS = 60;
/** What a client that collides with a request still running is asked to wait. */
export const IDEMPOTENCY_IN_USE_RETRY_SECONDS = 1;

export function isValidIdempotencyKey(value: string): boolean {
  return KEY_PATTERN.test(value);
}

/**
 * One text per JSON value whatever its whitespace or key order: object keys sorted
 * by code unit, no whitespace. Two bodies that parse to equal values get the same text.
 */
export function canonicalJson(value: JsonValue): string {
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key] ?? null)}`).join(",")}}`;
}
