import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented credential with the expected one in constant time. Both are hashed
 * first so `timingSafeEqual` always sees equal-length buffers and the secret's length does
 * not leak either.
 */
export function sameSecret(presented: string, expected: string): boolean {
  return timingSafeEqual(digest(presented), digest(expected));
}

function digest(value: string): Buffer {
  return createHash("sha256").update(value, "utf8").digest();
}
