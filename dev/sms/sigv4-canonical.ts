import { createHash, createHmac } from "node:crypto";

export const SIGV4_ALGORITHM = "AWS4-HMAC-SHA256";

/** A request as it arrived on the wire, before any normalisation by us. */
export interface ReceivedRequest {
  readonly method: string;
  /** The request-target as sent: path and query, still percent-encoded. */
  readonly target: string;
  /** Node's `rawHeaders`: name, value, name, value… with every repeated header kept. */
  readonly rawHeaders: readonly string[];
  readonly body: Uint8Array;
}

/**
 * AWS's canonical request (non-S3 services): method, the normalised path with each segment
 * encoded again, the sorted query, the signed headers as `name:value` lines, their names, and
 * the hex SHA-256 of the payload.
 */
export function canonicalRequest(request: ReceivedRequest, signedHeaders: readonly string[], payloadHash: string): string {
  const mark = request.target.indexOf("?");
  const path = mark === -1 ? request.target : request.target.slice(0, mark);
  const query = mark === -1 ? "" : request.target.slice(mark + 1);
  const headerLines = signedHeaders.map((name) => `${name}:${headerValue(request.rawHeaders, name) ?? ""}`);
  return [request.method.toUpperCase(), canonicalUri(path), canonicalQuery(query), `${headerLines.join("\n")}\n`, signedHeaders.join(";"), payloadHash].join(
    "\n",
  );
}

export function stringToSign(amzDate: string, scope: string, canonical: string): string {
  return [SIGV4_ALGORITHM, amzDate, scope, sha256Hex(canonical)].join("\n");
}

/** HMAC chain: `AWS4` + secret → date → region → service → `aws4_request`. */
export function signingKey(secretAccessKey: string, date: string, region: string, service: string): Buffer {
  const dateKey = hmac(`AWS4${secretAccessKey}`, date);
  return hmac(hmac(hmac(dateKey, region), service), "aws4_request");
}

export function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac("sha256", key).update(data, "utf8").digest();
}

export function sha256Hex(data: string | Uint8Array): string {
  return createHash("sha256").update(data).digest("hex");
}

/** Every value of a header (case-insensitive), trimmed, inner whitespace collapsed, joined with commas; `undefined` when absent. */
export function headerValue(rawHeaders: readonly string[], name: string): string | undefined {
  const values: string[] = [];
  for (let index = 0; index + 1 < rawHeaders.length; index += 2) {
    if (rawHeaders[index]?.toLowerCase() === name) values.push((rawHeaders[index + 1] ?? "").trim().replace(/\s+/g, " "));
  }
  return values.length === 0 ? undefined : values.join(",");
}

function canonicalUri(path: string): string {
  const segments: string[] = [];
  for (const segment of path.split("/").slice(1)) {
    if (segment === ".") continue;
    if (segment === "..") segments.pop();
    else segments.push(segment);
  }
  // Empty segments (`//`) collapse, as AWS's normalisation does; a trailing slash stays.
  const kept = segments.filter((segment, index) => segment !== "" || index === segments.length - 1);
  return `/${kept.map(uriEncode).join("/")}`;
}

function canonicalQuery(query: string): string {
  return [...new URLSearchParams(query)]
    .filter(([name]) => name !== "")
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
}

/** RFC 3986: everything but unreserved characters is percent-encoded. */
function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`);
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
