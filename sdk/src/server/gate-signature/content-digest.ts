import { encodeBase64, parseDictionary } from "./structured-fields";
import { utf8 } from "./hmac";

export type Body = ArrayBuffer | ArrayBufferView | string | null;

/** RFC 9530 `Content-Digest` with the one algorithm the gate uses: `sha-256=:<base64>:`. */
export async function contentDigest(body: Body): Promise<string> {
  return `sha-256=:${encodeBase64(await sha256(body))}:`;
}

/**
 * True when the `Content-Digest` header holds a sha-256 member equal to the
 * digest of `body`. Other algorithms in the header are ignored, as RFC 9530
 * §2 allows; a header without sha-256 does not match.
 */
export async function contentDigestMatches(header: string | null, body: Body): Promise<boolean> {
  if (header === null) return false;
  const member = parseDictionary(header)?.get("sha-256");
  if (member?.kind !== "item" || member.value.type !== "bytes") return false;
  const expected = await sha256(body);
  const presented = member.value.value;
  if (presented.length !== expected.length) return false;
  // Both are public values (the body is in hand), so an early exit leaks nothing.
  return presented.every((byte, index) => byte === expected[index]);
}

async function sha256(body: Body): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest("SHA-256", toBytes(body)));
}

function toBytes(body: Body): Uint8Array<ArrayBuffer> | ArrayBuffer {
  if (body === null) return new Uint8Array(0);
  if (typeof body === "string") return utf8(body);
  if (body instanceof ArrayBuffer) return body;
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength).slice();
}
