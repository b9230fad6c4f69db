import { err, ok, type Result } from "../errors/result";

/**
 * One spelling per path, so that the path the gate's policy decides on is,
 * byte for byte, the path the origin receives, and means the same to the
 * common origin stacks (Node, Go, Python, Java servlets, PHP, Rails).
 *
 * - Escapes of unreserved characters (RFC 3986 §2.3) are decoded: `%61dmin` is `admin`.
 * - Other escapes stay escaped, with upper-case hex; characters that must not
 *   appear literally (`|`, `[`, a space…) are escaped; sub-delimiters, `:` and `@`
 *   stay as sent.
 * - Empty segments are dropped (`//a//b` is `/a/b`), `.` and `..` are resolved; a
 *   trailing slash is kept.
 * - Refused, because origins read them differently: an escaped `/`, `\`, `.`, `%`
 *   (double decoding), `?`, `#` or `;`; a `\` or `;` (servlet path parameters, `..;`);
 *   NUL and other control characters; a malformed escape; escapes that are not
 *   valid UTF-8 (overlong forms like `%C0%AF` included); `..` above the root; and
 *   Unicode that an origin normalising or folding case (NFKC) would turn into one
 *   of those delimiters.
 */
export interface CanonicalPath {
  /** The path to forward: starts with `/`, no query. */
  readonly path: string;
  /**
   * Each distinct way an origin may read the path's segments, lower-cased for
   * matching: as sent, percent-decoded, decoded with `+` as a space (PHP's
   * `urldecode`, form decoders), decoded with Unicode normalised and
   * case-folded, and decoded without a format suffix on the last segment
   * (Rails). A policy must reach the same rule for every reading.
   */
  readonly readings: readonly (readonly string[])[];
}

export type PathRefusal = "not_absolute" | "query_in_path" | "malformed_escape" | "encoded_delimiter" | "backslash" | "path_parameter" | "control_character" | "invalid_utf8" | "above_root" | "unicode_delimiter";

/** Escaped, these decode to a character that changes how a path splits or decodes: `/ \ . % ? # ;`. */
const ESCAPED_DELIMITERS = new Set([0x2f, 0x5c, 0x2e, 0x25, 0x3f, 0x23, 0x3b]);
const UNRESERVED = 1;
const LITERAL_RESERVED = 2;
/**
 * Per ASCII code: unreserved (RFC 3986 §2.3, never escaped), a reserved
 * character a segment may carry as it is (`;` is refused instead), or 0 for
 * anything that must be escaped.
 */
const ASCII_CLASS = new Uint8Array(128);
for (const char of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~") ASCII_CLASS[char.charCodeAt(0)] = UNRESERVED;
for (const char of "!$&'()*+,=:@") ASCII_CLASS[char.charCodeAt(0)] = LITERAL_RESERVED;
const UTF8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const ENCODER = new TextEncoder();

interface Segment {
  readonly encoded: string;
  readonly decoded: string;
  readonly ascii: boolean;
}

export function canonicalPath(raw: string): Result<CanonicalPath, PathRefusal> {
  if (!raw.startsWith("/")) return err("not_absolute");
  const parts = raw.slice(1).split("/");
  const kept: Segment[] = [];
  let trailingSlash = false;
  for (const [index, part] of parts.entries()) {
    const segment = canonicalSegment(part);
    if (!segment.ok) return segment;
    const { encoded } = segment.value;
    const last = index === parts.length - 1;
    if (encoded === "" || encoded === ".") {
      trailingSlash = last;
    } else if (encoded === "..") {
      if (kept.pop() === undefined) return err("above_root");
      trailingSlash = last;
    } else {
      kept.push(segment.value);
      trailingSlash = false;
    }
  }
  const folded = foldedReading(kept);
  if (!folded.ok) return folded;
  const path = `/${kept.map((segment) => segment.encoded).join("/")}${trailingSlash && kept.length > 0 ? "/" : ""}`;
  const asSent = kept.map((segment) => segment.encoded.toLowerCase());
  const readings = [asSent];
  // Usually there is nothing to decode, no `+` and no Unicode, and these readings are the one as sent.
  if (!kept.every((segment) => segment.ascii && segment.encoded === segment.decoded && !segment.encoded.includes("+"))) {
    readings.push(
      kept.map((segment) => segment.decoded.toLowerCase()),
      kept.map((segment) => (segment.encoded.includes("+") ? decodeURIComponent(segment.encoded.replaceAll("+", "%20")) : segment.decoded).toLowerCase()),
      folded.value,
    );
  }
  const stem = withoutFormatSuffix(kept);
  if (stem !== undefined) readings.push(stem);
  return ok({ path, readings: distinct(readings) });
}

/**
 * Rails routes `/admin.json` to `/admin` (an optional `.:format`), as Spring's
 * suffix matching did: the reading with the last segment cut at its first dot.
 */
function withoutFormatSuffix(segments: readonly Segment[]): string[] | undefined {
  const last = segments.at(-1)?.decoded.toLowerCase();
  const dot = last?.indexOf(".") ?? -1;
  if (last === undefined || dot < 1) return undefined;
  return [...segments.slice(0, -1).map((segment) => segment.decoded.toLowerCase()), last.slice(0, dot)];
}

function canonicalSegment(part: string): Result<Segment, PathRefusal> {
  if (isPlainSegment(part)) return ok({ encoded: part, decoded: part, ascii: true });
  const bytes: number[] = [];
  let encoded = "";
  let index = 0;
  while (index < part.length) {
    const code = part.codePointAt(index) ?? 0;
    if (code === 0x25 /* % */) {
      const hex = part.slice(index + 1, index + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return err("malformed_escape");
      const byte = Number.parseInt(hex, 16);
      if (byte < 0x20 || byte === 0x7f) return err("control_character");
      if (ESCAPED_DELIMITERS.has(byte)) return err("encoded_delimiter");
      encoded += ASCII_CLASS[byte] === UNRESERVED ? String.fromCharCode(byte) : `%${hex.toUpperCase()}`;
      bytes.push(byte);
      index += 3;
    } else if (code < 0x80) {
      if (code < 0x20 || code === 0x7f) return err("control_character");
      if (code === 0x5c /* \ */) return err("backslash");
      if (code === 0x3b /* ; */) return err("path_parameter");
      if (code === 0x3f /* ? */ || code === 0x23 /* # */) return err("query_in_path");
      encoded += ASCII_CLASS[code] === 0 ? escapeByte(code) : String.fromCharCode(code);
      bytes.push(code);
      index += 1;
    } else {
      if (code >= 0xd800 && code <= 0xdfff) return err("invalid_utf8");
      const literal = String.fromCodePoint(code);
      for (const byte of ENCODER.encode(literal)) {
        encoded += escapeByte(byte);
        bytes.push(byte);
      }
      index += literal.length;
    }
  }
  const ascii = bytes.every((byte) => byte < 0x80);
  let decoded: string;
  try {
    decoded = UTF8.decode(new Uint8Array(bytes));
  } catch {
    return err("invalid_utf8");
  }
  // C1 controls arrive as UTF-8 escapes; some stacks treat them as line breaks.
  if (/[\u0080-\u009f]/.test(decoded)) return err("control_character");
  return ok({ encoded, decoded, ascii });
}

/** Most segments are plain text, which is its own canonical spelling: no need to decode anything. */
function isPlainSegment(part: string): boolean {
  for (let index = 0; index < part.length; index += 1) {
    const code = part.charCodeAt(index);
    if (code >= 0x80 || ASCII_CLASS[code] === 0) return false;
  }
  return true;
}

function escapeByte(byte: number): string {
  return `%${byte.toString(16).toUpperCase().padStart(2, "0")}`;
}

/**
 * The reading of an origin that normalises Unicode or compares case the way
 * Java's `equalsIgnoreCase` does: `ſ`, `ı` and the Kelvin sign become `s`, `i`
 * and `k`, fullwidth letters become ASCII. Where that turns a segment into a
 * delimiter or a dot segment, the path is refused.
 */
function foldedReading(segments: readonly Segment[]): Result<string[], PathRefusal> {
  const reading: string[] = [];
  for (const { decoded, ascii } of segments) {
    // ASCII is its own NFKC form, and folds to its lower case.
    const folded = ascii ? decoded.toLowerCase() : decoded.normalize("NFKC").toUpperCase().toLowerCase().normalize("NFKC");
    if (folded === "." || folded === ".." || /[/\\%;?#\u0000-\u001f\u007f]/.test(folded)) return err("unicode_delimiter");
    reading.push(folded);
  }
  return ok(reading);
}

function distinct(readings: readonly string[][]): string[][] {
  const seen = new Set<string>();
  return readings.filter((reading) => {
    const key = reading.join("/");
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
