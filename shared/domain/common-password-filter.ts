import { COMMON_PASSWORDS } from "./common-passwords";

/**
 * The bundled list of common passwords as a Golomb-coded set: each entry's
 * 32-bit hash, sorted, stored as Rice-coded gaps. A password that is not on the
 * list is wrongly found with probability entries / 2^32 (about 4.2 in a
 * million for 17,950 entries); one that is on the list is always found.
 */
export interface GolombCodedSet {
  readonly entries: number;
  /** Each gap's low bits, written as they are; the rest is written in unary. */
  readonly riceBits: number;
  /** The bit stream, base64. */
  readonly data: string;
}

/** The stated false-positive bound the tests hold the filter to. */
export const COMMON_PASSWORD_FALSE_POSITIVE_BOUND = 1e-5;

/** How list entries and candidates are put in one form before hashing: NFKC, then lower case (the list is lower case). */
export function commonPasswordKey(password: string): string {
  return password.normalize("NFKC").toLowerCase();
}

const encoder = new TextEncoder();

/**
 * MurmurHash3 (x86, 32-bit) of the UTF-8 bytes: synchronous, so the policy
 * check stays a plain function, and uniform enough for a set of public,
 * non-secret words. The seed is fixed: the committed filter depends on it.
 */
export function filterHash(key: string): number {
  const bytes = encoder.encode(key);
  const c1 = 0xcc9e2d51;
  const c2 = 0x1b873593;
  let h = 0x9747b28c;
  const whole = bytes.length & ~3;
  for (let index = 0; index < whole; index += 4) {
    let k = (bytes[index] ?? 0) | ((bytes[index + 1] ?? 0) << 8) | ((bytes[index + 2] ?? 0) << 16) | ((bytes[index + 3] ?? 0) << 24);
    k = Math.imul(k, c1);
    k = (k << 15) | (k >>> 17);
    k = Math.imul(k, c2);
    h ^= k;
    h = (h << 13) | (h >>> 19);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }
  const rest = bytes.length & 3;
  if (rest > 0) {
    let tail = 0;
    if (rest === 3) tail ^= (bytes[whole + 2] ?? 0) << 16;
    if (rest >= 2) tail ^= (bytes[whole + 1] ?? 0) << 8;
    tail ^= bytes[whole] ?? 0;
    tail = Math.imul(tail, c1);
    tail = (tail << 15) | (tail >>> 17);
    tail = Math.imul(tail, c2);
    h ^= tail;
  }
  h ^= bytes.length;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The sorted hashes back out of a coded set. */
export function decodeGolombCodedSet(set: GolombCodedSet): Uint32Array {
  const binary = atob(set.data);
  const hashes = new Uint32Array(set.entries);
  let position = 0;
  const bit = () => {
    const value = (binary.charCodeAt(position >> 3) >> (7 - (position & 7))) & 1;
    position++;
    return value;
  };
  let previous = 0;
  for (let index = 0; index < set.entries; index++) {
    let quotient = 0;
    while (bit() === 1) quotient++;
    let remainder = 0;
    for (let count = 0; count < set.riceBits; count++) remainder = remainder * 2 + bit();
    previous += quotient * 2 ** set.riceBits + remainder;
    hashes[index] = previous;
  }
  return hashes;
}

export function setContains(sortedHashes: Uint32Array, hash: number): boolean {
  let low = 0;
  let high = sortedHashes.length - 1;
  while (low <= high) {
    const middle = (low + high) >>> 1;
    const value = sortedHashes[middle] ?? 0;
    if (value === hash) return true;
    if (value < hash) low = middle + 1;
    else high = middle - 1;
  }
  return false;
}

let decoded: Uint32Array | undefined;

/** Whether a password, in any case, is on the bundled list. Decodes the list once per isolate (about 18,000 entries). */
export function isCommonPassword(password: string): boolean {
  decoded ??= decodeGolombCodedSet(COMMON_PASSWORDS);
  return setContains(decoded, filterHash(commonPasswordKey(password)));
}
